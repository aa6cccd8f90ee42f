// The rule playground's page. It has no rules logic of its own: it builds
// the programme's JSON from the form, sends it to the backend and shows
// what the backend answers (compile errors, outcomes, traces, the
// comparison with the programme in force, the fields and helpers rules may
// use). See playground.go.
"use strict";

const $ = (id) => document.getElementById(id);

// el makes an element with attributes and children (strings become text:
// nothing the backend or the user wrote is ever read as HTML).
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === false || v === null || v === undefined) continue;
    if (k === "text") e.textContent = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c !== null && c !== undefined) e.append(c);
  }
  return e;
}

async function api(method, path, body) {
  const init = { method, headers: {} };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers["Content-Type"] = "application/json";
  }
  const res = await fetch(path, init);
  let data = null;
  try { data = await res.json(); } catch (_) { /* not JSON */ }
  return { status: res.status, data };
}

const state = {
  env: null,
  rules: [],        // the rules as objects: keys the form does not edit are kept
  lastExpr: null,   // the expression field edited last, for inserting names
  checkSeq: 0,
  checkTimer: 0,
};

// ---- the rules form ----------------------------------------------------

const RULE_TEXT = ["id", "when", "value", "priority", "on", "cap", "from", "until", "description"];

function ruleCard(i) {
  const r = state.rules[i];
  const id = (f) => `rule-${i}-${f}`;
  const input = (f, label, attrs) => [
    el("label", { for: id(f), text: label }),
    el("input", Object.assign({ id: id(f), "data-field": f, autocomplete: "off", spellcheck: "false",
      "aria-describedby": id("errors") }, attrs || {})),
  ];
  const select = (f, label, names, unset) => [
    el("label", { for: id(f), text: label }),
    el("select", { id: id(f), "data-field": f },
      el("option", { value: "", text: unset }),
      names.map((n) => el("option", { value: n, text: n }))),
  ];
  const expr = (f, label, help) => el("div", { class: "expr" },
    el("label", { for: id(f) }, label, el("span", { class: "help", text: " " + help })),
    el("textarea", { id: id(f), "data-field": f, rows: 2, spellcheck: "false", autocomplete: "off",
      "aria-describedby": id("errors") }));
  const card = el("fieldset", { class: "rule", id: `rule-${i}` },
    el("legend", {}, `Rule ${i + 1}`, el("span", { class: "rule-name", id: id("name") })),
    el("div", { class: "row" },
      el("div", {}, input("id", "Id", { size: 12 })),
      el("div", {}, select("kind", "Kind", state.env.kinds, "(choose)")),
      el("div", {}, select("unit", "Unit", state.env.units, "(none)")),
      el("div", {}, select("stacking", "Stacking", state.env.stackings, "stack")),
      el("div", {}, input("priority", "Priority", { size: 3, inputmode: "numeric" })),
      el("div", {}, input("on", "On", { size: 10, placeholder: state.env.occasion, "aria-describedby": `${id("on")}-help ${id("errors")}` }),
        el("span", { class: "sr-only", id: id("on") + "-help", text: "Occasions, separated by commas; empty: purchases" })),
      el("div", { class: "rule-actions" },
        el("button", { type: "button", onclick: () => moveRule(i, -1), disabled: i === 0, text: "Up", "aria-label": `Move rule ${i + 1} up` }),
        el("button", { type: "button", onclick: () => moveRule(i, 1), disabled: i === state.rules.length - 1, text: "Down", "aria-label": `Move rule ${i + 1} down` }),
        el("button", { type: "button", onclick: () => removeRule(i), text: "Remove", "aria-label": `Remove rule ${i + 1}` }))),
    el("div", { class: "exprs" },
      expr("when", "When", "(empty: always)"),
      expr("value", "Value", "(points, percent, amount, gift or tier)")),
    el("details", {},
      el("summary", { text: "Cap, active dates, description" }),
      el("div", { class: "row" },
        el("div", {}, input("cap", "Cap", { size: 8, inputmode: "decimal" })),
        el("div", {}, input("from", "From", { size: 22, placeholder: "2026-03-01T00:00:00+05:00" })),
        el("div", {}, input("until", "Until", { size: 22 })),
        el("div", { class: "wide" }, input("description", "Description", { size: 30 })))),
    el("ul", { class: "errors", id: id("errors"), "aria-label": `Errors in rule ${i + 1}` }));
  for (const f of RULE_TEXT.concat(["kind", "unit", "stacking"])) {
    const c = card.querySelector(`[data-field="${f}"]`);
    let v = r[f];
    if (f === "on") v = (v || []).join(", ");
    c.value = v === undefined || v === null ? "" : String(v);
    c.addEventListener("input", () => { readRule(i); scheduleCheck(); });
    c.addEventListener("change", () => { readRule(i); scheduleCheck(); });
    if (f === "when" || f === "value") c.addEventListener("focus", () => { state.lastExpr = c; });
  }
  card.querySelector(`#${id("name")}`).textContent = r.id ? ` · ${r.id}` : "";
  return card;
}

// readRule copies rule i's form into its object; empty fields are left out
// (the backend's defaults), every other value is sent as typed and judged
// by the backend.
function readRule(i) {
  const r = state.rules[i];
  const card = $(`rule-${i}`);
  for (const f of RULE_TEXT.concat(["kind", "unit", "stacking"])) {
    const v = card.querySelector(`[data-field="${f}"]`).value;
    if (f === "id" || f === "value") { r[f] = v; continue; }
    if (v.trim() === "") { delete r[f]; continue; }
    if (f === "on") r[f] = v.split(",").map((s) => s.trim());
    else if (f === "priority" && /^-?\d+$/.test(v.trim())) r[f] = Number(v.trim());
    else r[f] = v;
  }
  $(`rule-${i}-name`).textContent = r.id ? ` · ${r.id}` : "";
}

function renderRules() {
  const box = $("rules");
  box.replaceChildren(...state.rules.map((_, i) => ruleCard(i)));
}

function moveRule(i, by) {
  const j = i + by;
  [state.rules[i], state.rules[j]] = [state.rules[j], state.rules[i]];
  renderRules();
  $(`rule-${j}-id`).focus();
  scheduleCheck(0);
}

function removeRule(i) {
  const gone = state.rules[i].id || `rule ${i + 1}`;
  state.rules.splice(i, 1);
  renderRules();
  $("check-status").textContent = `Removed ${gone}.`;
  scheduleCheck(0);
}

// ---- the programme and its check ---------------------------------------

// program builds the programme's JSON: the settings and the rules. It
// returns null, with the reason shown, when the settings are not JSON.
function program() {
  let settings;
  try {
    settings = JSON.parse($("settings").value);
  } catch (e) {
    showSettingsErrors([{ field: "settings", message: "not valid JSON: " + e.message }]);
    return null;
  }
  if (settings === null || typeof settings !== "object" || Array.isArray(settings)) {
    showSettingsErrors([{ field: "settings", message: "must be a JSON object" }]);
    return null;
  }
  return Object.assign({}, settings, { rules: state.rules });
}

// scheduleCheck checks the programme once typing pauses; #check-status is
// aria-busy from the first key until the answer to the last one is shown.
function scheduleCheck(delay) {
  $("check-status").setAttribute("aria-busy", "true");
  state.checkSeq++; // an answer already on its way is about an older text
  clearTimeout(state.checkTimer);
  state.checkTimer = setTimeout(check, delay === undefined ? 350 : delay);
}

async function check() {
  const seq = ++state.checkSeq;
  const p = program();
  if (!p) {
    clearRuleErrors();
    setStatus($("check-status"), "bad", "Cannot check: the programme settings are not valid JSON (see the settings).");
    $("check-status").removeAttribute("aria-busy");
    return;
  }
  const { status, data } = await api("POST", "/api/playground/check", p);
  if (seq !== state.checkSeq) return; // a newer check is on its way
  $("check-status").removeAttribute("aria-busy");
  if (status === 200) {
    showProblems(data.rule_errors, data.field_errors);
    if (data.ok) {
      setStatus($("check-status"), "ok", `Compiles: ${data.rules} ${data.rules === 1 ? "rule" : "rules"}, no errors.`);
    } else {
      setStatus($("check-status"), "bad", "Does not compile: " + summary(data.rule_errors, data.field_errors));
    }
    return;
  }
  showRequestError(data, $("check-status"), "Cannot check", "");
}

// summary is one sentence for the live region: the count and the first
// problem.
function summary(ruleErrors, fieldErrors) {
  const n = ruleErrors.length + fieldErrors.length;
  let s = `${n} ${n === 1 ? "error" : "errors"}.`;
  if (ruleErrors.length > 0) {
    const e = ruleErrors[0];
    s += ` First: rule ${e.rule_index + 1}${e.rule_id ? " " + e.rule_id : ""}, ${e.part}` +
      (e.line ? `, line ${e.line}, column ${e.column}` : "") + `: ${e.message}.`;
  } else if (fieldErrors.length > 0) {
    s += ` First: settings ${fieldErrors[0].field}: ${fieldErrors[0].message}.`;
  }
  return s;
}

function setStatus(node, kind, text) {
  node.className = "status " + kind;
  node.replaceChildren(el("span", { class: "sym", "aria-hidden": "true", text: kind === "ok" ? "✔ " : "✖ " }), text);
}

function clearRuleErrors() {
  document.querySelectorAll("#rules .errors").forEach((u) => u.replaceChildren());
  document.querySelectorAll("#rules [aria-invalid]").forEach((c) => c.removeAttribute("aria-invalid"));
}

function showSettingsErrors(list) {
  $("settings-errors").replaceChildren(...list.map((f) =>
    el("li", { class: "error" }, el("span", { class: "sym", "aria-hidden": "true", text: "✖ " }),
      el("strong", { text: "Error" }), ` in ${f.field}: ${f.message}`)));
  if (list.length > 0) {
    $("settings").setAttribute("aria-invalid", "true");
    $("settings-box").open = true;
  } else {
    $("settings").removeAttribute("aria-invalid");
  }
}

// showProblems puts each rule error under its rule (rule_index, from the
// backend) and the settings' errors under the settings.
function showProblems(ruleErrors, fieldErrors) {
  clearRuleErrors();
  const general = [];
  for (const e of ruleErrors) {
    const list = $(`rule-${e.rule_index}-errors`);
    if (!list) { general.push({ field: "rules", message: `rule ${e.rule_id}: ${e.message}` }); continue; }
    list.append(ruleErrorItem(e));
    const c = $(`rule-${e.rule_index}-${e.part === "definition" ? "id" : e.part}`);
    if (c) c.setAttribute("aria-invalid", "true");
  }
  showSettingsErrors(general.concat(fieldErrors || []));
}

function ruleErrorItem(e) {
  const where = e.line ? `${e.part}, line ${e.line}, column ${e.column}` : e.part;
  const li = el("li", { class: "error", "data-part": e.part, "data-line": e.line || 0, "data-column": e.column || 0 },
    el("span", { class: "sym", "aria-hidden": "true", text: "✖ " }),
    el("strong", { text: "Error" }), ` in ${where}: `, el("span", { class: "message", text: e.message }));
  if (e.caret) {
    li.append(el("pre", { class: "caret", "aria-hidden": "true" }, el("code", { text: e.source + "\n" + e.caret })));
    if (e.part === "when" || e.part === "value") {
      li.append(el("button", { type: "button", class: "link", text: `Go to line ${e.line}, column ${e.column}`,
        onclick: () => goTo($(`rule-${e.rule_index}-${e.part}`), e.line, e.column) }));
    }
  }
  return li;
}

// goTo puts the cursor of a textarea at line:column (both 1-based; the
// column counts characters, as the backend's errors do).
function goTo(area, line, column) {
  const chars = Array.from(area.value);
  let at = 0, l = 1;
  while (at < chars.length && l < line) { if (chars[at] === "\n") l++; at++; }
  at = Math.min(at + column - 1, chars.length);
  const offset = chars.slice(0, at).join("").length;
  area.focus();
  area.setSelectionRange(offset, offset);
}

// showRequestError shows a 4xx or 5xx in statusNode. When its field is in
// the programme (the body's own fields for a check or a save; those under
// "program." for a try), the message also goes under that rule, or under
// the settings.
function showRequestError(data, statusNode, what, programPrefix) {
  const err = (data && data.error) || { message: "no answer from the backend" };
  const field = err.field || "";
  if (err.rule_errors || err.field_errors) {
    showProblems(err.rule_errors || [], err.field_errors || []);
  } else if (programPrefix !== undefined && field.startsWith(programPrefix)) {
    const f = field.slice(programPrefix.length);
    const m = /^rules\[(\d+)\]\.?(.*)$/.exec(f);
    clearRuleErrors();
    if (m && $(`rule-${m[1]}-errors`)) {
      showSettingsErrors([]);
      $(`rule-${m[1]}-errors`).append(el("li", { class: "error" },
        el("span", { class: "sym", "aria-hidden": "true", text: "✖ " }), el("strong", { text: "Error" }),
        ` in ${m[2] || "the rule"}: `, el("span", { class: "message", text: err.message })));
    } else if (f !== "") {
      showSettingsErrors([{ field: f, message: err.message }]);
    }
  }
  setStatus(statusNode, "bad", `${what}: ${err.message}`);
}

// ---- save ---------------------------------------------------------------

async function save() {
  const p = program();
  if (!p) {
    setStatus($("save-status"), "bad", "Not saved: the programme settings are not valid JSON.");
    return;
  }
  $("save").disabled = true;
  const { status, data } = await api("PUT", "/v1/program", p);
  $("save").disabled = false;
  if (status === 201 || status === 200) {
    setStatus($("save-status"), "ok", status === 201
      ? `Saved: revision ${data.revision} is now in force.`
      : `Nothing to save: revision ${data.revision} in force is this programme already.`);
    $("origin").textContent = `Editing “${data.name}”, revision ${data.revision} in force.`;
    return;
  }
  if (status === 422 && data && data.error && data.error.rule_errors) {
    showProblems(data.error.rule_errors, data.error.field_errors || []);
    setStatus($("save-status"), "bad", "Not saved: the backend refused the programme. " +
      summary(data.error.rule_errors, data.error.field_errors || []));
    return;
  }
  showRequestError(data, $("save-status"), "Not saved", "");
}

// ---- try ----------------------------------------------------------------

function lineRow(line) {
  const n = $("basket").tBodies[0].rows.length;
  const cell = (f, label, attrs, v) => el("td", {},
    el("input", Object.assign({ "data-field": f, "aria-label": `${label}, line ${n + 1}`, autocomplete: "off", value: v }, attrs)));
  const tr = el("tr", {},
    cell("sku", "SKU", { size: 10 }, line.sku || ""),
    cell("category", "Category", { size: 10 }, line.category || ""),
    cell("qty", "Quantity", { size: 3, inputmode: "numeric" }, line.qty === undefined ? "1" : String(line.qty)),
    cell("price", "Unit price", { size: 8, inputmode: "decimal" }, line.price || ""),
    el("td", {}, el("button", { type: "button", "aria-label": `Remove line ${n + 1}`, text: "Remove",
      onclick: () => { tr.remove(); } })));
  return tr;
}

function setLines(lines) {
  $("basket").tBodies[0].replaceChildren(...lines.map(lineRow));
}

function readLines() {
  return Array.from($("basket").tBodies[0].rows).map((tr) => {
    const v = (f) => tr.querySelector(`[data-field="${f}"]`).value.trim();
    const qty = v("qty");
    const line = { sku: v("sku"), qty: /^\d+$/.test(qty) ? Number(qty) : qty, price: v("price") };
    if (v("category")) line.category = v("category");
    return line;
  });
}

function whoChanged() {
  const stored = $("who-stored").checked;
  $("sample-fields").hidden = stored;
  $("stored-fields").hidden = !stored;
}

function whatChanged() {
  $("event-kind").disabled = !$("what-event").checked;
}

function tryRequest() {
  const p = program();
  if (!p) return null;
  const q = { program: p, customer: {} };
  if ($("who-stored").checked) {
    q.customer.id = $("c-id").value.trim();
    if ($("c-before").value.trim()) q.customer.before = $("c-before").value.trim();
  } else {
    const c = q.customer;
    if ($("c-birthday").value) c.birthday = $("c-birthday").value;
    if ($("c-registered").value) c.registered = $("c-registered").value;
    const orders = $("c-orders").value.trim();
    if (orders !== "" && orders !== "0") {
      c.history = { orders: /^\d+$/.test(orders) ? Number(orders) : orders, spend: $("c-spend").value.trim() || "0" };
    }
    const attrs = {};
    for (const line of $("c-attributes").value.split("\n")) {
      if (!line.trim()) continue;
      const at = line.indexOf("=");
      attrs[(at < 0 ? line : line.slice(0, at)).trim()] = at < 0 ? "" : line.slice(at + 1).trim();
    }
    if (Object.keys(attrs).length > 0) c.attributes = attrs;
  }
  if ($("what-event").checked) {
    q.event = { kind: $("event-kind").value.trim() };
  } else {
    q.order = { lines: readLines() };
    for (const [f, id] of [["total", "o-total"], ["channel", "o-channel"], ["coupon", "o-coupon"], ["redemption", "o-redemption"]]) {
      if ($(id).value.trim()) q.order[f] = $(id).value.trim();
    }
  }
  if ($("at").value) q.at = $("at").value;
  return q;
}

const VERDICT_SYMBOL = {
  applied: "✔", capped: "✂", false: "—", shadowed: "⊘", outdone: "↓", inactive: "⏸",
  not_applicable: "·", failed: "✖", unknown: "?", limited: "⊗",
};

async function tryIt(ev) {
  ev.preventDefault();
  const q = tryRequest();
  if (!q) {
    setStatus($("try-status"), "bad", "Cannot try: the programme settings are not valid JSON.");
    return;
  }
  $("try-button").disabled = true;
  const { status, data } = await api("POST", "/api/playground/try", q);
  $("try-button").disabled = false;
  if (status !== 200) {
    $("outcome-body").hidden = true;
    showRequestError(data, $("try-status"), "Cannot try", "program.");
    return;
  }
  const c = data.customer;
  setStatus($("try-status"), "ok", `Tried a ${data.occasion} at ${data.at} for ${c.id} (before it: tier ${c.tier || "none"}, ` +
    `${c.orders} orders, lifetime spend ${c.lifetime_spend}, ${c.available} points available, ${c.pending} pending).`);
  const row = (k, v) => [el("dt", { text: k }), el("dd", { text: v })];
  $("totals").replaceChildren(
    ...row("Points", data.points),
    ...row("Discount", data.discount),
    ...(data.occasion === "purchase" ? row("Money to pay", data.money || "0") : []),
    ...row("Gifts", data.gifts.length ? data.gifts.join(", ") : "none"),
    ...row("Tier", (data.tier || "none") + (data.tier_changed ? " (changed)" : "")));
  $("trace").tBodies[0].replaceChildren(...data.trace.map((st) => el("tr", { class: "v-" + st.status },
    el("th", { scope: "row" }, st.rule_index >= 0
      ? el("button", { type: "button", class: "link", text: st.rule_id, onclick: () => $(`rule-${st.rule_index}-when`).focus() })
      : st.rule_id),
    el("td", { text: st.kind }),
    el("td", { class: "verdict" }, el("span", { "aria-hidden": "true", text: (VERDICT_SYMBOL[st.status] || "") + " " }), st.status),
    el("td", { class: "num", text: st.value || (st.text || "") }),
    el("td", { text: st.reason }))));
  $("outcome-body").hidden = false;
}

async function loadRecorded() {
  const { status, data } = await api("GET", "/api/playground/orders");
  const sel = $("recorded");
  if (status !== 200 || data.orders.length === 0) {
    sel.replaceChildren(el("option", { value: "", text: status === 200 ? "(no orders recorded yet)" : "(cannot list the orders)" }));
    $("use-recorded").disabled = true;
    return;
  }
  sel.replaceChildren(...data.orders.map((o) => el("option", { value: `${o.customer}/${o.order}`,
    text: `${o.order} · ${o.customer} · ${o.at} · paid ${o.paid}` })));
}

async function useRecorded() {
  const v = $("recorded").value;
  if (!v) return;
  const [customer, order] = v.split("/");
  const { status, data } = await api("GET", `/api/playground/orders/${encodeURIComponent(customer)}/${encodeURIComponent(order)}`);
  if (status !== 200) {
    showRequestError(data, $("try-status"), "Cannot use the order");
    return;
  }
  $("who-stored").checked = true;
  whoChanged();
  $("what-order").checked = true;
  whatChanged();
  $("c-id").value = data.customer;
  $("c-before").value = data.order;
  setLines(data.lines || []);
  $("o-total").value = data.total || "";
  $("o-redemption").value = data.redemption || "";
  $("o-channel").value = "";
  $("o-coupon").value = "";
  $("at").value = "";
  $("try-status").className = "status";
  $("try-status").textContent = `Filled in order ${data.order} of ${data.customer}: it runs on the account as it was just ` +
    `before the order, at its time (${data.at}). Channel and coupon are not recorded.`;
}

// ---- compare with the programme in force (the backtest) -----------------

// signed writes a difference the backend computed (B − A, a decimal
// string) with its sign and the backend's word for it: "+480 more",
// "−540 less", "0, the same".
function signed(diff, change) {
  const d = String(diff);
  if (change === "same") return "0, the same";
  return (d.startsWith("-") ? "\u2212" + d.slice(1) : "+" + d) + " " + change;
}

const num = (text) => el("td", { class: "num", text: String(text) });
const absent = () => el("td", { class: "num absent" }, el("span", { "aria-hidden": "true", text: "— " }), "no such tier");

function renderChanges(table, list, total, none) {
  const tbody = table.tBodies[0];
  table.caption.textContent = table.caption.textContent.replace(/ \(.*\)$/, "") + ` (${list.length} shown of ${total})`;
  if (list.length === 0) {
    tbody.replaceChildren(el("tr", {}, el("td", { colspan: 5, text: none })));
    return;
  }
  tbody.replaceChildren(...list.map((c) => el("tr", {},
    el("th", { scope: "row", text: c.customer }),
    el("td", { text: c.tier_a === c.tier_b ? c.tier_a : `${c.tier_a} \u2192 ${c.tier_b}` }),
    num(c.benefit_a), num(c.benefit_b), num(signed(c.gain, c.gain.startsWith("-") ? "less" : "more")))));
}

function renderBacktest(data) {
  $("bt-assumption").replaceChildren(el("strong", { text: "Assumed: " }),
    `${data.redemptions}${data.redemptions_default ? " (the default)" : ""}: ${data.assumption} ` +
    "(programme A is the one in force, B the edited one).");
  $("bt-totals").caption.textContent = `Totals in force (\u201c${data.a.name}\u201d, revision ${data.a.revision}) and edited ` +
    `(\u201c${data.b.name}\u201d); the difference is edited \u2212 in force`;
  $("bt-totals").tBodies[0].replaceChildren(...data.totals.map((r) => el("tr", { "data-key": r.key },
    el("th", { scope: "row", text: r.label }), num(r.a), num(r.b), num(signed(r.diff, r.change)))));
  $("bt-tiers").tBodies[0].replaceChildren(...data.tiers.map((r) => el("tr", {},
    el("th", { scope: "row", text: r.tier }),
    r.in_a ? num(r.a) : absent(), r.in_b ? num(r.b) : absent(), num(signed(r.diff, r.change)))));
  const m = data.moves;
  $("bt-moves").tHead.replaceChildren(el("tr", {},
    el("td", {}, el("span", { class: "sr-only", text: "In force, then edited" })),
    m.to.map((t) => el("th", { scope: "col", text: "edited: " + t }))));
  $("bt-moves").tBodies[0].replaceChildren(...m.from.map((f, i) => el("tr", {},
    el("th", { scope: "row", text: "in force: " + f }), m.counts[i].map(num))));
  renderChanges($("bt-gainers"), data.gainers, data.gainers_count, "No customer gains.");
  renderChanges($("bt-losers"), data.losers, data.losers_count, "No customer loses.");
  const o = data.ops;
  const n = (k, one, many) => `${k} ${k === 1 ? one : many}`;
  let ops = `${n(o.purchases, "purchase", "purchases")}, ${n(o.refunds, "refund", "refunds")}, ${n(o.events, "event", "events")} ` +
    `and ${n(o.redemptions, "redemption", "redemptions")} of ${n(data.customers, "customer", "customers")}, as of ${data.end}.`;
  if (data.not_replayed.length > 0) {
    ops += " Not replayed: " + data.not_replayed.map((n) => `${n.count} ${n.what}`).join("; ") + ".";
  }
  $("bt-ops").textContent = ops;
  $("bt-notes").replaceChildren(...data.notes.map((n) => el("li", { text: n })));
}

async function compare() {
  const p = program();
  if (!p) {
    setStatus($("backtest-status"), "bad", "Cannot compare: the programme settings are not valid JSON.");
    return;
  }
  const q = { program: p };
  if ($("bt-redemptions").value) q.redemptions = $("bt-redemptions").value;
  $("compare").disabled = true;
  $("backtest-status").setAttribute("aria-busy", "true");
  $("backtest-status").className = "status";
  $("backtest-status").textContent = "Replaying the stored history under both programmes…";
  const { status, data } = await api("POST", "/api/playground/backtest", q);
  $("compare").disabled = false;
  $("backtest-status").removeAttribute("aria-busy");
  if (status !== 200) {
    $("backtest-body").hidden = true;
    showRequestError(data, $("backtest-status"), "Cannot compare", "program.");
    return;
  }
  if (!data.replayed) {
    $("backtest-body").hidden = true;
    $("backtest-status").className = "status";
    $("backtest-status").textContent = data.message;
    return;
  }
  renderBacktest(data);
  setStatus($("backtest-status"), "ok", data.message);
  $("backtest-body").hidden = false;
}

// ---- what rules may use -------------------------------------------------

function insert(text) {
  const a = state.lastExpr;
  if (!a) {
    $("check-status").textContent = "Click into a rule's When or Value first, then pick a name to insert.";
    return;
  }
  const s = a.selectionStart, e = a.selectionEnd;
  a.setRangeText(text, s, e, "end");
  a.focus();
  a.dispatchEvent(new Event("input"));
}

function fieldItem(f) {
  return el("li", {},
    el("button", { type: "button", class: "name", text: f.path, onclick: () => insert(f.path) }),
    " ", el("span", { class: "type", text: f.type }),
    f.about ? el("span", { class: "about", text: " " + f.about }) : null,
    f.fields ? el("ul", {}, f.fields.map(fieldItem)) : null);
}

function renderEnv(env) {
  $("facts-type").textContent = env.facts;
  $("fields").replaceChildren(...env.fields.map(fieldItem));
  $("helpers").replaceChildren(...env.helpers.map((h) => el("li", {},
    el("button", { type: "button", class: "name", text: h.name, onclick: () => insert(h.name + "(") }),
    el("ul", { class: "sigs" }, h.signatures.map((s) => el("li", {}, el("code", { text: s })))))));
}

// ---- start --------------------------------------------------------------

async function start() {
  const [env, prog] = await Promise.all([api("GET", "/api/playground/env"), api("GET", "/api/playground/program")]);
  if (env.status !== 200 || prog.status !== 200) {
    setStatus($("check-status"), "bad", "Cannot load the playground: " +
      ((env.data && env.data.error && env.data.error.message) || (prog.data && prog.data.error && prog.data.error.message) || "the backend did not answer"));
    return;
  }
  state.env = env.data;
  renderEnv(state.env);
  const p = prog.data.program;
  state.rules = Array.isArray(p.rules) ? p.rules : [];
  const settings = Object.assign({}, p);
  delete settings.rules;
  $("settings").value = JSON.stringify(settings, null, 2);
  $("origin").textContent = prog.data.source === "saved"
    ? `Editing “${p.name}”, revision ${prog.data.revision} in force. Nothing changes until you save.`
    : `No programme saved yet: editing the example “${p.name}”. Saving makes it the programme in force.`;
  renderRules();
  setLines([{ sku: "latte", category: "drinks", qty: 2, price: "1200" }, { sku: "beans", category: "beans", qty: 1, price: "9600" }]);
  $("settings").addEventListener("input", () => scheduleCheck());
  $("add-rule").addEventListener("click", () => {
    state.rules.push({ id: `rule-${state.rules.length + 1}`, kind: state.env.kinds[0], value: "" });
    renderRules();
    $(`rule-${state.rules.length - 1}-value`).focus();
    scheduleCheck(0);
  });
  $("save").addEventListener("click", save);
  $("try-form").addEventListener("submit", tryIt);
  $("add-line").addEventListener("click", () => {
    const tr = lineRow({});
    $("basket").tBodies[0].append(tr);
    tr.querySelector("input").focus();
  });
  for (const id of ["who-sample", "who-stored"]) $(id).addEventListener("change", whoChanged);
  for (const id of ["what-order", "what-event"]) $(id).addEventListener("change", whatChanged);
  $("use-recorded").addEventListener("click", useRecorded);
  $("bt-redemptions").replaceChildren(...state.env.assumptions.map((a) =>
    el("option", { value: a.name, selected: a.default, text: a.name + (a.default ? " (the default)" : "") })));
  const about = () => {
    const a = state.env.assumptions.find((x) => x.name === $("bt-redemptions").value);
    $("bt-redemptions-about").textContent = a ? `Assumed: ${a.about}.` : "";
  };
  $("bt-redemptions").addEventListener("change", about);
  about();
  $("compare").addEventListener("click", compare);
  document.body.dataset.ready = "true";
  loadRecorded();
  scheduleCheck(0);
}

document.addEventListener("DOMContentLoaded", start);
