/*
 * Wellbeing Hub chat widget: a chat bubble that talks to the Rasa assistant.
 *
 * Embed with one script tag (and, optionally, a config object set before it):
 *   <script>window.WellbeingChatConfig = { serverUrl: "https://chat.example.nhs.uk" };</script>
 *   <script src="https://chat.example.nhs.uk/widget/wellbeing-chat.js" defer></script>
 *
 * Kiosk mode, for shared computers (youth hubs, libraries): add data-kiosk to the script tag, and optionally
 * data-kiosk-idle-minutes="10" (the default). The chat then ends by itself after that many idle minutes and
 * is never kept across a reload.
 *
 * Plain JavaScript, no build step. It loads its stylesheet, the vendored socket.io client and the offline
 * crisis numbers (crisis-numbers.json) from the folder it was loaded from, and talks to the assistant's
 * socket.io channel (bot/server/widget_channel.py). When the assistant cannot be reached, a reply takes more
 * than 10 seconds, or the connection drops, it shows the crisis numbers by itself. Everything people read is
 * in STRINGS below, so it can be reviewed in one place.
 *
 * Safety rules this file keeps:
 * - Text from the person and from the bot is only ever inserted as text (textContent / text nodes), never
 *   parsed as HTML; links are built from checked URLs (https/http, tel:, sms: only).
 * - Nothing of the conversation is stored. The conversation id the server issued (which lets the
 *   conversation continue across pages of the same site) lives in sessionStorage only (never in kiosk mode).
 *   "End chat" and the quick exit ask the server to delete the conversation, then wipe it.
 */
(function () {
  "use strict";

  // ------------------------------------------------------------------ words people see (review here)
  const STRINGS = {
    launcher: "Chat to us",
    title: "Wellbeing Hub chat",
    subtitle: "Find support for children and young people in London",
    notice: "This chat helps you find services. It is not a counsellor or an emergency service. " +
      "Nothing you type is saved on this device. To leave this site quickly, press Quick exit, " +
      "or the Alt and X keys together.",
    close: "Close chat (you can come back to it)",
    endChat: "End chat",
    endChatHint: "End this chat and delete it",
    chatEnded: "This chat has ended and has been deleted. You can start a new chat at any time.",
    chatEndedHere: "This chat has ended on this device. We could not confirm it was deleted from our " +
      "system just now; if it was not, it is deleted automatically within 30 days.",
    kioskEnded: "This chat ended because nobody used it for a while. It has been deleted.",
    needHelpNow: "Need help now?",
    closeHelp: "Close help",
    quickExit: "Quick exit",
    quickExitHint: "Leave this site now",
    conversation: "Conversation",
    resumed: "You can carry on where you left off. Your earlier messages are not shown here, " +
      "to keep them private.",
    inputLabel: "Type your message",
    inputPlaceholder: "Type your message…",
    send: "Send",
    you: "You said:",
    assistant: "Assistant said:",
    typing: "The assistant is typing…",
    connecting: "Connecting…",
    reconnecting: "Connection lost. Trying to reconnect…",
    offlineHeading: "We can't reach the chat right now",
    offlineIntro: "You can still get help. These numbers are free and work day or night:",
    localLineHeading: "Your local NHS 24/7 mental health line",
    chooseBorough: "Choose your London borough",
    pickOne: "Choose…",
    localLineNone: "Call 111 and choose the mental health option (option 2).",
    localLine: (name) => `${name}:`,
    hideVisitHeading: "Keeping this visit private",
    hideVisit: "Quick exit takes you to the BBC weather page. It can't remove this site from your browser " +
      "history. To hide your visit, open your browser's history and delete this site, or next time use a " +
      "private window (also called incognito).",
    noAnswer: "Sorry, I couldn't get an answer just now. Please try again in a minute. " +
      "If you need help now, choose \"Need help now?\" at the top of this chat.",
    servicesHeading: "Services that could help",
    whoFor: "Who it's for:",
    where: "Where:",
    howToGetHelp: "How to get help:",
    hours: "Open:",
    call: "Call",
    website: "Website",
    text: "Text",
    opensInNewTab: "(opens in a new tab)",
    anyAge: "Any age",
    agesBetween: (min, max) => `Ages ${min} to ${max}`,
    agesFrom: (min) => `Ages ${min} and over`,
    agesUpTo: (max) => `Up to age ${max}`,
    areaNames: { National: "Anywhere in the UK", Online: "Online" },
    askGpOrSchool: "Ask your GP or school how to get support from them",
    crisisHeading: "You can get help right now",
    crisisIntro: "If you or someone else is in danger or badly hurt, call 999 now. " +
      "These are free and you can use them day or night:",
  };

  // How each `how_to_refer` code of the services payload (docs/contracts.md) is said to people.
  const REFERRAL_LABELS = {
    self: "Contact them yourself",
    parent: "A parent or carer can contact them",
    drop_in: "Drop in",
    online: "Use it online",
    gp: "Ask your GP",
    professional: "A professional (like a teacher or social worker) can refer you",
    school: "Through your school",
  };

  // The crisis card's actions. Every number here is in ../shared/reference/helplines-and-crisis-lines.md
  // (999: row 11, 111: row 1, Childline: row 2a, Shout: row 3); tests check them against that file.
  const CRISIS_ACTIONS = [
    { label: "Call 999", detail: "If you are in danger or badly hurt", href: "tel:999" },
    { label: "Call 111", detail: "Choose the mental health option (option 2). For all ages, any time",
      href: "tel:111" },
    { label: "Call Childline: 0800 1111", detail: "For anyone under 19, any time", href: "tel:08001111" },
    // "?&body=" is understood both by Android ("?body=") and by iOS ("&body=").
    { label: "Text SHOUT to 85258", detail: "Free text support, any time", href: "sms:85258?&body=SHOUT" },
  ];

  // ------------------------------------------------------------------ settings
  const DEFAULTS = {
    serverUrl: "http://localhost:5005",
    socketPath: "/socket.io",
    title: STRINGS.title,
    quickExitUrl: "https://www.bbc.co.uk/weather",
    // Launcher, header and the person's own messages. Pairs that fail WCAG AA contrast are ignored.
    colors: { primary: "#005eb8", primaryText: "#ffffff" },
    openOnLoad: false,
  };
  const CONNECT_TIMEOUT_MS = 6000;   // socket.io gets this long to connect before the crisis numbers show
  const SETTLE_MS = 250;             // socket.io sends a turn message by message; render it once it settles
  const CRISIS_AFTER_MS = 10000;     // a reply slower than this: the crisis numbers show while we wait
  const REPLY_TIMEOUT_MS = 60000;    // then say that no answer came (the server may be busy)
  const END_WAIT_MS = 1500;          // End chat waits this long for the server to confirm the deletion
  const EXIT_WAIT_MS = 400;          // the quick exit waits at most this long (the page is hidden at once)
  const DEFAULT_KIOSK_IDLE_MINUTES = 10;
  const STORAGE_KEY = "wellbeingChat.sessionId";
  // Phones and small windows, where the panel fills the screen (the same rule as wellbeing-chat.css).
  const FULL_SCREEN_QUERY = "(max-width: 30rem), (max-height: 32rem)";
  const MIN_CONTRAST = 4.5;

  const scriptElement = document.currentScript;

  // ------------------------------------------------------------------ DOM helpers

  /** Build an element. `props` are set as properties (className, type, href...) or, for aria-* and data-*,
   * as attributes. Children may be nodes or strings; strings always become text nodes. */
  function el(tag, props, children) {
    const node = document.createElement(tag);
    Object.entries(props || {}).forEach(([key, value]) => {
      if (value === undefined || value === null || value === false) return;
      if (key.startsWith("aria-") || key.startsWith("data-") || key === "role") {
        node.setAttribute(key, String(value));
      } else {
        node[key] = value;
      }
    });
    (children || []).forEach((child) => {
      if (child !== null && child !== undefined) {
        node.append(typeof child === "string" ? document.createTextNode(child) : child);
      }
    });
    return node;
  }

  function hiddenText(text) {
    return el("span", { className: "cw-visually-hidden" }, [text]);
  }

  // ------------------------------------------------------------------ checked links

  /** An http(s) URL for a service's website, adding https:// when the scheme is missing; null otherwise
   * (so "javascript:..." or a broken value from the directory never becomes a link). */
  function safeWebUrl(value) {
    if (typeof value !== "string" || !value.trim()) return null;
    const raw = value.trim();
    const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(raw) ? raw : `https://${raw}`;
    try {
      const url = new URL(withScheme);
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
    } catch (error) {
      return null;
    }
  }

  /** A tel: link for a phone number made only of digits, spaces, dashes and a leading +; null otherwise. */
  function telHref(value) {
    if (typeof value !== "string" || !/^\+?[\d\s-]{3,20}$/.test(value.trim())) return null;
    return `tel:${value.replace(/[\s-]/g, "")}`;
  }

  function externalLink(href, label, className) {
    return el("a", { href, className, target: "_blank", rel: "noopener noreferrer" },
      [label, " ", hiddenText(STRINGS.opensInNewTab)]);
  }

  // In bot text: e-mail addresses, web addresses (with a scheme, www., or a bare domain on a common suffix)
  // and UK phone numbers. No look-behind: Safari before 16.4 cannot parse it and would lose the whole widget.
  const LINK_PATTERN = new RegExp([
    "([\\w.+-]+@[\\w-]+(?:\\.[\\w-]+)+)",
    "(https?:\\/\\/[^\\s<>\"]+|www\\.[^\\s<>\"]+|\\b[a-z0-9-]+(?:\\.[a-z0-9-]+)*\\." +
      "(?:org\\.uk|co\\.uk|nhs\\.uk|gov\\.uk|ac\\.uk|com|org|net|uk)\\b(?:\\/[^\\s<>\"]*)?)",
    "(\\b(?:0\\d{2,4}(?:[ -]?\\d{3,4}){1,2}|116 ?123|111|999)(?!\\d))",
    "(\\btext (\\w+) to (\\d{5})\\b)",
  ].join("|"), "gi");

  /** The link for one match of LINK_PATTERN, or null when the text is not a usable address. */
  function linkFor(match, found) {
    if (match[1]) return /^[^@\s]+@[^@\s]+$/.test(found) ? el("a", { href: `mailto:${found}` }, [found]) : null;
    if (match[2]) {
      const href = safeWebUrl(found);
      return href ? externalLink(href, found) : null;
    }
    if (match[4]) { // "text SHOUT to 85258": a text message to the number, with the word already written
      return el("a", { href: `sms:${match[6]}?&body=${encodeURIComponent(match[5])}` }, [found]);
    }
    const href = telHref(found);
    return href ? el("a", { href }, [found]) : null;
  }

  /** Text as text nodes, with e-mail and web addresses and phone numbers turned into checked links. */
  function linkify(text) {
    const fragment = document.createDocumentFragment();
    let last = 0;
    for (const match of text.matchAll(LINK_PATTERN)) {
      const found = match[0].replace(/[.,;:!?)]+$/, ""); // a sentence's closing punctuation is not part of it
      const link = linkFor(match, found);
      if (!link) continue;
      fragment.append(document.createTextNode(text.slice(last, match.index)), link);
      last = match.index + found.length;
    }
    fragment.append(document.createTextNode(text.slice(last)));
    return fragment;
  }

  // ------------------------------------------------------------------ configuration

  function relativeLuminance(hex) {
    const channels = hex.replace("#", "").match(/../g).map((part) => parseInt(part, 16) / 255);
    const [r, g, b] = channels.map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  }

  function contrastRatio(first, second) {
    const [light, dark] = [relativeLuminance(first), relativeLuminance(second)].sort((a, b) => b - a);
    return (light + 0.05) / (dark + 0.05);
  }

  /** The embedding page's colours, if they are #rrggbb and readable together; otherwise the defaults. */
  function checkedColors(colors) {
    const wanted = Object.assign({}, DEFAULTS.colors, colors || {});
    const hex = /^#[0-9a-f]{6}$/i;
    if (hex.test(wanted.primary) && hex.test(wanted.primaryText) &&
        contrastRatio(wanted.primary, wanted.primaryText) >= MIN_CONTRAST) {
      return wanted;
    }
    console.warn("wellbeing chat: colours ignored; use #rrggbb with a contrast ratio of at least 4.5:1");
    return DEFAULTS.colors;
  }

  function readConfig() {
    const given = window.WellbeingChatConfig || {};
    const config = Object.assign({}, DEFAULTS, given);
    config.serverUrl = String(config.serverUrl).replace(/\/+$/, "");
    config.quickExitUrl = safeWebUrl(config.quickExitUrl) || DEFAULTS.quickExitUrl;
    config.colors = checkedColors(given.colors);
    config.assetBase = scriptElement ? new URL(".", scriptElement.src).href : "";
    // Kiosk mode comes from the embed code itself: <script ... data-kiosk data-kiosk-idle-minutes="10">.
    const data = scriptElement ? scriptElement.dataset : {};
    config.kiosk = data.kiosk !== undefined && data.kiosk !== "false";
    const minutes = Number(data.kioskIdleMinutes);
    config.kioskIdleMs = (Number.isFinite(minutes) && minutes > 0 ? minutes : DEFAULT_KIOSK_IDLE_MINUTES) * 60000;
    return config;
  }

  // ------------------------------------------------------------------ conversation id (sessionStorage only)
  // The server issues the id (it refuses any it did not issue); it is kept for this tab only, so a reload or
  // another page of the site continues the conversation. Kiosk mode keeps nothing.

  function storedSessionId(config) {
    if (config.kiosk) return null;
    try {
      return window.sessionStorage.getItem(STORAGE_KEY);
    } catch (error) {
      return null; // storage blocked: the conversation simply lasts as long as the page
    }
  }

  function keepSessionId(config, id) {
    if (config.kiosk) return;
    try {
      window.sessionStorage.setItem(STORAGE_KEY, id);
    } catch (error) { /* see storedSessionId */ }
  }

  function forgetSession() {
    try {
      window.sessionStorage.removeItem(STORAGE_KEY);
    } catch (error) { /* nothing was stored */ }
  }

  // ------------------------------------------------------------------ transports

  function loadScript(src) {
    return new Promise((resolve, reject) => {
      const script = el("script", { src, async: true });
      script.addEventListener("load", resolve);
      script.addEventListener("error", () => reject(new Error(`could not load ${src}`)));
      document.head.append(script);
    });
  }

  /**
   * The assistant's socket.io channel (bot/server/widget_channel.py). `session_request` asks to continue the
   * stored conversation; the server confirms that id only if it issued it, and otherwise issues a new one.
   * Messages carry no id: the server binds them to this socket's conversation. `session_end` deletes the
   * conversation on the server. socket.io reconnects by itself after a drop; every reconnect asks for the
   * same conversation again. `events` receives: message(reply), confirmed(id), connection(up: boolean),
   * ended(text).
   */
  async function connectSocket(config, sessionId, events) {
    if (!window.io) await loadScript(`${config.assetBase}vendor/socket.io.min.js`);
    const socket = window.io(config.serverUrl, { path: config.socketPath, reconnectionDelayMax: 10000 });
    let currentId = sessionId;
    let endWaiter = null;
    socket.on("connect", () => socket.emit("session_request", { session_id: currentId }));
    socket.on("session_confirm", (id) => {
      if (typeof id !== "string" || !id) return;
      currentId = id;
      events.confirmed(id);
      events.connection(true);
    });
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("socket.io did not connect in time")), CONNECT_TIMEOUT_MS);
      socket.once("session_confirm", () => { clearTimeout(timer); resolve(); });
      socket.once("connect_error", () => { clearTimeout(timer); reject(new Error("socket.io could not connect")); });
    }).catch((error) => {
      socket.close();
      throw error;
    });
    socket.on("disconnect", (reason) => {
      events.connection(false);
      // socket.io retries by itself after a lost connection, but not after the server closed it: try again.
      if (reason === "io server disconnect") setTimeout(() => socket.connect(), 5000);
    });
    socket.on("bot_uttered", (message) => events.message(message));
    socket.on("session_ended", (data) => {
      const words = endedWords(data);
      if (endWaiter) endWaiter(words);
      else events.ended(words); // ended from another tab of the same conversation
    });
    return {
      connected: () => socket.connected,
      send: (text) => socket.emit("user_uttered", { message: text }),
      /** Ask the server to delete the conversation; resolves with what to tell the person. */
      end: (waitMs) => new Promise((resolve) => {
        if (!socket.connected) { resolve(STRINGS.chatEndedHere); return; }
        const timer = setTimeout(() => { endWaiter = null; resolve(STRINGS.chatEndedHere); }, waitMs);
        endWaiter = (text) => { clearTimeout(timer); endWaiter = null; resolve(text); };
        socket.emit("session_end", {});
      }),
      close: () => socket.close(),
    };
  }

  /** What to say when the server confirms the end: its words, and "deleted" only when it was. */
  function endedWords(data) {
    if (!data || data.deleted === false) return STRINGS.chatEndedHere;
    return typeof data.text === "string" && data.text ? data.text : STRINGS.chatEnded;
  }

  /** The borough-by-borough 24/7 lines (crisis-numbers.json, generated from the assistant's own data). */
  function loadCrisisNumbers(config) {
    return fetch(`${config.assetBase}crisis-numbers.json`, { credentials: "omit" })
      .then((response) => (response.ok ? response.json() : null))
      .catch(() => null);
  }

  // ------------------------------------------------------------------ rendering one bot turn

  /** The services payload of a turn, if any ({"type": "services", "services": [...]}). */
  function servicesOf(messages) {
    const payload = messages.map((m) => m.custom).find((c) => c && c.type === "services");
    return payload && Array.isArray(payload.services) ? payload.services : null;
  }

  /**
   * Decide what to show for one turn of bot messages. The bot lists each matched service as a text line
   * ("Name: summary ...") and then sends the same services as a payload; the cards show everything the
   * lines say (and make phones and websites tappable), so a line that starts with a card's name is left
   * out and the cards stand where the first such line was. Without a payload every line is shown.
   */
  function planTurn(messages) {
    const services = servicesOf(messages);
    const names = (services || []).map((s) => `${s.name}:`);
    const isServiceLine = (m) => typeof m.text === "string" && names.some((n) => m.text.startsWith(n));
    const plan = [];
    let cardsPlaced = false;
    const placeCards = () => {
      if (!cardsPlaced && services && services.length) plan.push({ kind: "services", services });
      cardsPlaced = true;
    };
    messages.forEach((message) => {
      const custom = message.custom || {};
      if (custom.type === "services" || (services && isServiceLine(message))) {
        placeCards();
        return;
      }
      if (custom.escalation) plan.push({ kind: "crisis" });
      const text = typeof message.text === "string" ? message.text.trim() : "";
      const buttons = message.buttons || message.quick_replies; // REST says buttons, socket.io quick_replies
      if (text || Array.isArray(buttons)) plan.push({ kind: "text", text, buttons });
    });
    return plan;
  }

  function ageText(service) {
    const min = Number.isFinite(service.age_min) ? service.age_min : null;
    const max = Number.isFinite(service.age_max) && service.age_max < 100 ? service.age_max : null;
    if ((min === null || min === 0) && max === null) return STRINGS.anyAge;
    if (min !== null && min > 0 && max !== null) return STRINGS.agesBetween(min, max);
    if (max !== null) return STRINGS.agesUpTo(max);
    return STRINGS.agesFrom(min);
  }

  function detailRow(label, value) {
    if (!value) return null;
    return el("p", { className: "cw-card__row" }, [el("strong", {}, [label]), " ", value]);
  }

  function serviceCard(service) {
    const areas = (Array.isArray(service.areas) ? service.areas : [])
      .map((area) => STRINGS.areaNames[area] || String(area)).join(", ");
    const referral = (Array.isArray(service.how_to_refer) ? service.how_to_refer : [])
      .map((code) => REFERRAL_LABELS[code]).filter(Boolean).join("; ") || STRINGS.askGpOrSchool;
    const phone = typeof service.phone === "string" ? service.phone.trim() : "";
    const tel = telHref(phone);
    const website = safeWebUrl(service.website);
    // `sms` is not in the payload today (the one texting service, Shout, says how in its summary); drawn if added.
    const sms = telHref(service.sms);
    const websiteLabel = `${STRINGS.website}: ${String(service.website).replace(/^https?:\/\//, "")}`;
    const actions = [
      tel && el("a", { className: "cw-action", href: tel }, [`${STRINGS.call} ${phone}`]),
      sms && el("a", { className: "cw-action", href: sms.replace(/^tel:/, "sms:") }, [`${STRINGS.text} ${service.sms}`]),
      website && externalLink(website, websiteLabel, "cw-action"),
    ].filter(Boolean);
    return el("li", { className: "cw-card" }, [
      el("h3", { className: "cw-card__name" }, [String(service.name || "")]),
      service.summary ? el("p", {}, [String(service.summary)]) : null,
      detailRow(STRINGS.whoFor, ageText(service)),
      detailRow(STRINGS.where, areas),
      detailRow(STRINGS.howToGetHelp, referral),
      detailRow(STRINGS.hours, service.hours ? String(service.hours) : ""),
      actions.length ? el("p", { className: "cw-card__actions" }, actions) : null,
    ]);
  }

  function serviceCards(services) {
    return el("section", { className: "cw-services", "aria-label": STRINGS.servicesHeading }, [
      el("h2", { className: "cw-visually-hidden" }, [STRINGS.servicesHeading]),
      el("ul", { className: "cw-cards" }, services.map(serviceCard)),
    ]);
  }

  /** The crisis card: calm words and big tap-to-call / tap-to-text actions. Shown for every escalation
   * payload and from the "Need help now?" button. */
  function crisisCard(headingId) {
    return el("section", { className: "cw-crisis", "aria-labelledby": headingId }, [
      el("h2", { className: "cw-crisis__heading", id: headingId, tabIndex: -1 }, [STRINGS.crisisHeading]),
      el("p", {}, [STRINGS.crisisIntro]),
      el("ul", { className: "cw-crisis__actions" }, CRISIS_ACTIONS.map((action) =>
        el("li", {}, [el("a", { className: "cw-crisis__action", href: action.href }, [
          el("span", { className: "cw-crisis__label" }, [action.label]),
          el("span", { className: "cw-crisis__detail" }, [action.detail]),
        ])]))),
    ]);
  }

  /** The local 24/7 line for a chosen borough, from crisis-numbers.json; 111 where the trust has none. */
  function localLineChooser(numbers, id) {
    const boroughs = numbers && numbers.boroughs && typeof numbers.boroughs === "object" ? numbers.boroughs : {};
    const names = Object.keys(boroughs);
    if (!names.length) return null;
    const answer = el("p", { className: "cw-local-line", "aria-live": "polite" });
    const select = el("select", { id, className: "cw-borough" },
      [el("option", { value: "" }, [STRINGS.pickOne])].concat(names.map((name) => el("option", { value: name }, [name]))));
    select.addEventListener("change", () => {
      answer.replaceChildren();
      const line = boroughs[select.value] && boroughs[select.value].line;
      const href = line ? telHref(line.phone) : null;
      if (!select.value) return;
      if (href) answer.append(STRINGS.localLine(line.name), " ", el("a", { href }, [line.phone]));
      else answer.append(linkify(STRINGS.localLineNone));
    });
    return el("div", { className: "cw-local" }, [
      el("h3", { className: "cw-local__heading" }, [STRINGS.localLineHeading]),
      el("label", { htmlFor: id }, [STRINGS.chooseBorough]),
      select,
      answer,
    ]);
  }

  /** Shown by the widget itself when the assistant cannot be reached, is slow, or the connection drops. */
  function offlineCard(headingId, numbers) {
    return el("section", { className: "cw-crisis cw-offline", "aria-labelledby": headingId }, [
      el("h2", { className: "cw-crisis__heading", id: headingId, tabIndex: -1 }, [STRINGS.offlineHeading]),
      el("p", {}, [STRINGS.offlineIntro]),
      el("ul", { className: "cw-crisis__actions" }, CRISIS_ACTIONS.map((action) =>
        el("li", {}, [el("a", { className: "cw-crisis__action", href: action.href }, [
          el("span", { className: "cw-crisis__label" }, [action.label]),
          el("span", { className: "cw-crisis__detail" }, [action.detail]),
        ])]))),
      localLineChooser(numbers, `${headingId}-borough`),
    ]);
  }

  // ------------------------------------------------------------------ the widget

  function createWidget(config) {
    const host = el("div", { className: "wellbeing-chat-host" });
    const root = host.attachShadow({ mode: "open" });
    const ids = { counter: 0, next: (prefix) => `cw-${prefix}-${++ids.counter}` };
    const crisisNumbers = loadCrisisNumbers(config); // fetched now: it must be here when the server is not
    let transport = null;
    let connecting = null;
    let sessionId = storedSessionId(config);
    let pending = [];
    let settleTimer = null;
    let replyTimer = null;
    let crisisTimer = null;
    let idleTimer = null;
    let offlineShown = false;
    let inerted = [];

    // --- structure
    const launcher = el("button", { type: "button", className: "cw-launcher", "aria-expanded": "false",
      "aria-controls": "cw-panel" }, [STRINGS.launcher]);
    const helpButton = el("button", { type: "button", className: "cw-help-toggle", "aria-expanded": "false",
      "aria-controls": "cw-help" }, [STRINGS.needHelpNow]);
    const exitButton = el("button", { type: "button", className: "cw-exit", title: STRINGS.quickExitHint },
      [STRINGS.quickExit]);
    const endButton = el("button", { type: "button", className: "cw-end", title: STRINGS.endChatHint },
      [STRINGS.endChat]);
    const closeButton = el("button", { type: "button", className: "cw-close", "aria-label": STRINGS.close },
      ["×"]);
    const help = el("div", { className: "cw-help", id: "cw-help", hidden: true }, [
      crisisCard("cw-help-heading"),
      el("section", { className: "cw-privacy", "aria-labelledby": "cw-privacy-heading" }, [
        el("h3", { id: "cw-privacy-heading" }, [STRINGS.hideVisitHeading]),
        el("p", {}, [STRINGS.hideVisit]),
      ]),
      el("button", { type: "button", className: "cw-help-close" }, [STRINGS.closeHelp]),
    ]);
    const log = el("div", { className: "cw-log", role: "log", "aria-live": "polite", "aria-relevant": "additions",
      "aria-label": STRINGS.conversation, tabIndex: 0 });
    const status = el("p", { className: "cw-status", role: "status" });
    const input = el("input", { type: "text", id: "cw-input", className: "cw-input", autocomplete: "off",
      maxLength: 2000, placeholder: STRINGS.inputPlaceholder, enterKeyHint: "send" });
    const form = el("form", { className: "cw-form" }, [
      el("label", { htmlFor: "cw-input", className: "cw-visually-hidden" }, [STRINGS.inputLabel]),
      input,
      el("button", { type: "submit", className: "cw-send" }, [STRINGS.send]),
    ]);
    const panel = el("div", { className: "cw-panel", id: "cw-panel", role: "dialog", "aria-labelledby": "cw-title",
      hidden: true }, [
      el("div", { className: "cw-header" }, [
        el("div", { className: "cw-heading" }, [
          el("h2", { id: "cw-title", className: "cw-title" }, [config.title]),
          el("p", { className: "cw-subtitle" }, [STRINGS.subtitle]),
        ]),
        el("div", { className: "cw-window-actions" }, [endButton, closeButton]),
        el("div", { className: "cw-header-actions" }, [helpButton, exitButton]),
      ]),
      help,
      el("p", { className: "cw-notice" }, [STRINGS.notice]),
      log,
      status,
      form,
    ]);
    root.append(el("link", { rel: "stylesheet", href: `${config.assetBase}wellbeing-chat.css` }), launcher, panel);
    host.style.setProperty("--cw-primary", config.colors.primary);
    host.style.setProperty("--cw-primary-text", config.colors.primaryText);
    if (config.kiosk) host.dataset.kiosk = "true";

    // --- showing messages
    function scrollToEnd() {
      log.scrollTop = log.scrollHeight;
    }

    /** Scroll so a new turn is read from its start: a long answer (cards, the crisis card) is not scrolled
     * past. The browser stops at the end when the turn is short. */
    function showStartOf(element) {
      if (element) log.scrollTop = element.offsetTop - 12;
    }

    function addBubble(who, text) {
      const bubble = el("div", { className: `cw-msg cw-msg--${who}` },
        [hiddenText(who === "user" ? STRINGS.you : STRINGS.assistant), " "]);
      bubble.append(who === "bot" ? linkify(text) : document.createTextNode(text));
      log.append(bubble);
    }

    function removeQuickReplies() {
      log.querySelectorAll(".cw-replies").forEach((group) => group.remove());
    }

    function addQuickReplies(buttons) {
      const usable = buttons.filter((b) => b && typeof b.title === "string" && typeof b.payload === "string");
      if (!usable.length) return;
      log.append(el("div", { className: "cw-replies", role: "group", "aria-label": STRINGS.assistant },
        usable.map((button) => {
          const choice = el("button", { type: "button", className: "cw-reply" }, [button.title]);
          choice.addEventListener("click", () => {
            send(button.payload, button.title);
            input.focus();
          });
          return choice;
        })));
    }

    function renderTurn(messages) {
      const firstNew = log.childElementCount;
      planTurn(messages).forEach((item) => {
        if (item.kind === "services") log.append(serviceCards(item.services));
        else if (item.kind === "crisis") log.append(crisisCard(ids.next("crisis")));
        else {
          if (item.text) addBubble("bot", item.text);
          if (Array.isArray(item.buttons) && item.buttons.length) addQuickReplies(item.buttons);
        }
      });
      showStartOf(log.children[firstNew]);
      host.dataset.turns = String(Number(host.dataset.turns || 0) + 1); // for tests and debugging
    }

    // --- receiving: a turn is rendered once its messages stop arriving
    function flush() {
      clearTimeout(settleTimer);
      const turn = pending;
      pending = [];
      if (turn.length) renderTurn(turn);
    }

    function receive(message) {
      if (!message || typeof message !== "object") return;
      clearTimeout(replyTimer);
      clearTimeout(crisisTimer);
      setStatus("");
      pending.push(message);
      clearTimeout(settleTimer);
      settleTimer = setTimeout(flush, SETTLE_MS);
    }

    function noAnswer() {
      clearTimeout(replyTimer);
      setStatus("");
      addBubble("bot", STRINGS.noAnswer);
      scrollToEnd();
    }

    function setStatus(text, kind) {
      status.textContent = text;
      status.classList.toggle("cw-status--busy", Boolean(text) && kind !== "offline");
      status.classList.toggle("cw-status--offline", kind === "offline");
    }

    /** The crisis numbers, shown by the widget itself (once until the assistant answers again). */
    async function showCrisisNumbers() {
      if (offlineShown) return;
      offlineShown = true;
      const card = offlineCard(ids.next("offline"), await crisisNumbers);
      log.append(card);
      host.dataset.offline = "true"; // read by the tests
      showStartOf(card);
    }

    function onConnection(up) {
      host.dataset.connection = up ? "up" : "reconnecting";
      if (up) {
        offlineShown = false;
        if (status.classList.contains("cw-status--offline")) setStatus("");
        return;
      }
      clearTimeout(replyTimer);
      clearTimeout(crisisTimer);
      setStatus(STRINGS.reconnecting, "offline"); // never "typing" while nobody can answer
      showCrisisNumbers();
    }

    // --- sending
    function ensureTransport() {
      if (!connecting) {
        setStatus(STRINGS.connecting);
        connecting = connectSocket(config, sessionId, {
          message: (reply) => { offlineShown = false; receive(reply); },
          confirmed: (id) => { sessionId = id; keepSessionId(config, id); },
          connection: onConnection,
          ended: (words) => reset(words),
        }).then((opened) => {
          transport = opened;
          host.dataset.transport = "socket.io"; // read by the tests and handy when debugging
          host.dataset.connection = "up";
          setStatus("");
          return opened;
        }, (error) => {
          console.info(`wellbeing chat: the assistant cannot be reached (${error.message})`);
          connecting = null; // the next message tries again
          setStatus("");
          showCrisisNumbers();
          return null;
        });
      }
      return connecting;
    }

    async function send(text, shownAs) {
      noteActivity();
      if (shownAs !== null) {
        removeQuickReplies();
        addBubble("user", shownAs === undefined ? text : shownAs);
        scrollToEnd();
      }
      const opened = await ensureTransport();
      if (!opened) return;
      if (!opened.connected()) { showCrisisNumbers(); return; }
      setStatus(STRINGS.typing);
      clearTimeout(replyTimer);
      clearTimeout(crisisTimer);
      crisisTimer = setTimeout(showCrisisNumbers, CRISIS_AFTER_MS);
      replyTimer = setTimeout(noAnswer, REPLY_TIMEOUT_MS);
      opened.send(text);
    }

    // --- opening, closing, help
    function open() {
      const firstTime = !connecting && !sessionId;
      panel.hidden = false;
      launcher.setAttribute("aria-expanded", "true");
      launcher.hidden = true;
      updateModal();
      input.focus();
      noteActivity();
      if (firstTime) {
        send("/greet", null); // the bot introduces itself; nothing is shown as said by the person
        return;
      }
      // Back on another page of the site: the server still has the conversation, this page has none of it.
      if (!log.childElementCount) addBubble("bot", STRINGS.resumed);
      ensureTransport();
    }

    function close() {
      panel.hidden = true;
      launcher.hidden = false;
      launcher.setAttribute("aria-expanded", "false");
      updateModal();
      launcher.focus();
    }

    // While open, the help card takes the place of the conversation (kept, only hidden), so it has room
    // on a phone or at high zoom.
    function toggleHelp(show) {
      help.hidden = !show;
      panel.classList.toggle("cw-panel--help", show);
      helpButton.setAttribute("aria-expanded", String(show));
      if (show) root.getElementById("cw-help-heading").focus();
      else helpButton.focus();
    }

    // --- phones: the full-screen panel is a modal dialog (background inert, focus kept inside)
    const fullScreen = window.matchMedia(FULL_SCREEN_QUERY);

    function updateModal() {
      const modal = !panel.hidden && fullScreen.matches;
      if (modal) panel.setAttribute("aria-modal", "true");
      else panel.removeAttribute("aria-modal");
      inerted.forEach((node) => { node.inert = false; });
      inerted = modal ? Array.from(document.body.children).filter((node) => node !== host && !node.inert) : [];
      inerted.forEach((node) => { node.inert = true; });
    }

    function focusables() {
      return Array.from(panel.querySelectorAll("button, a[href], input, select, [tabindex]"))
        .filter((node) => !node.disabled && node.tabIndex >= 0 && node.getClientRects().length);
    }

    function keepFocusInside(event) {
      if (event.key !== "Tab" || panel.getAttribute("aria-modal") !== "true") return;
      const nodes = focusables();
      if (!nodes.length) return;
      const first = nodes[0];
      const last = nodes[nodes.length - 1];
      const current = root.activeElement;
      if (event.shiftKey && (current === first || !panel.contains(current))) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && (current === last || !panel.contains(current))) {
        event.preventDefault();
        first.focus();
      }
    }

    // --- ending: the server deletes the conversation; this page forgets it
    function reset(message) {
      clearTimeout(settleTimer);
      clearTimeout(replyTimer);
      clearTimeout(crisisTimer);
      clearTimeout(idleTimer);
      if (transport) transport.close();
      transport = null;
      connecting = null;
      sessionId = null;
      pending = [];
      offlineShown = false;
      forgetSession();
      log.replaceChildren();
      setStatus("");
      delete host.dataset.transport;
      delete host.dataset.connection;
      delete host.dataset.offline;
      host.dataset.turns = "0";
      if (message) addBubble("bot", message);
    }

    async function endChat(message) {
      // Nothing was sent yet (no transport): nothing is stored anywhere, so it is simply ended.
      const words = transport ? await transport.end(END_WAIT_MS) : STRINGS.chatEnded;
      reset(words === STRINGS.chatEndedHere ? words : message || words); // never "deleted" unconfirmed
      host.dataset.ended = String(Number(host.dataset.ended || 0) + 1); // read by the tests
    }

    // --- kiosk mode: a chat nobody uses for N minutes ends by itself
    function noteActivity() {
      if (!config.kiosk) return;
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => { if (transport || sessionId) endChat(STRINGS.kioskEnded); }, config.kioskIdleMs);
    }

    // --- quick exit: hide at once, ask the server to delete the chat, leave without a way back
    async function quickExit() {
      document.body.style.visibility = "hidden"; // nothing of this site stays on screen while the next loads
      host.remove();
      clearTimeout(settleTimer);
      clearTimeout(replyTimer);
      clearTimeout(crisisTimer);
      clearTimeout(idleTimer);
      forgetSession();
      if (transport) {
        await transport.end(EXIT_WAIT_MS);
        transport.close();
      }
      // replace(): the Back button does not come back to this page.
      window.location.replace(config.quickExitUrl);
    }

    // One deliberate shortcut: Alt+X (the key's position, so any keyboard layout). Escape only closes.
    function onKeydown(event) {
      if (event.altKey && !event.ctrlKey && !event.metaKey && event.code === "KeyX") {
        event.preventDefault();
        quickExit();
        return;
      }
      if (event.key !== "Escape") return;
      if (!help.hidden) toggleHelp(false);
      else if (!panel.hidden) close();
    }

    launcher.addEventListener("click", open);
    closeButton.addEventListener("click", close);
    endButton.addEventListener("click", () => endChat());
    exitButton.addEventListener("click", quickExit);
    helpButton.addEventListener("click", () => toggleHelp(help.hidden));
    help.querySelector(".cw-help-close").addEventListener("click", () => toggleHelp(false));
    document.addEventListener("keydown", onKeydown, true);
    panel.addEventListener("keydown", keepFocusInside);
    panel.addEventListener("input", noteActivity);
    panel.addEventListener("click", noteActivity);
    fullScreen.addEventListener("change", updateModal);
    if (config.kiosk) {
      // A reload or leaving the page on a shared computer ends the chat too (best effort: the page is going).
      window.addEventListener("pagehide", () => { if (transport) transport.end(0); });
    }
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = input.value.trim();
      if (!text) return;
      input.value = "";
      send(text);
    });

    document.body.append(host);
    if (config.openOnLoad) open();
    return { open, close, endChat, quickExit };
  }

  function start() {
    window.WellbeingChat = createWidget(readConfig());
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
