// Copies the third-party files the widget and its tests use out of node_modules, so that pages and test
// runs need neither npm nor a CDN. Run after `npm ci`: `npm run vendor`. The copies are committed.
"use strict";
const fs = require("fs");
const path = require("path");

const here = __dirname;
const root = path.resolve(here, "..", "..");

const copies = [
  // socket.io-client 4.x speaks Socket.IO protocol 5 / Engine.IO 4, as Rasa 3.6's python-socketio 5.x does.
  ["node_modules/socket.io-client/dist/socket.io.min.js", "static/vendor/socket.io.min.js"],
  ["node_modules/socket.io-client/dist/socket.io.min.js.map", "static/vendor/socket.io.min.js.map"],
  ["node_modules/socket.io-client/LICENSE", "static/vendor/socket.io-client.LICENSE"],
  // axe-core runs only in the end-to-end tests' browser, never on a real page.
  ["node_modules/axe-core/axe.min.js", path.join(root, "tests/e2e/vendor/axe.min.js")],
  ["node_modules/axe-core/LICENSE", path.join(root, "tests/e2e/vendor/axe-core.LICENSE")],
];

for (const [from, to] of copies) {
  const target = path.resolve(here, to);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.copyFileSync(path.resolve(here, from), target);
  console.log(`${from} -> ${path.relative(root, target)}`);
}
