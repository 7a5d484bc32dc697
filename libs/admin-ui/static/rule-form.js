/* global document */
import { byId, replaceChildren, h } from './dom.js';

// Where the API's messages land: a message starting with one of these paths belongs to the
// field with that id (the longest matching path wins, so `match.regex` beats `match`).
const FIELD_IDS = {
  name: 'rule-name',
  description: 'rule-description',
  enabled: 'rule-enabled',
  priority: 'rule-priority',
  topic: 'rule-topic',
  brokers: 'rule-brokers',
  match: 'rule-match-kind',
  'match.detector': 'rule-detector',
  'match.regex': 'rule-regex',
  'match.flags': 'rule-flags',
  keys: 'rule-keys',
  action: 'rule-action',
  mask: 'mask-char',
  'mask.char': 'mask-char',
  'mask.keepStart': 'mask-keep-start',
  'mask.keepEnd': 'mask-keep-end',
  'mask.keepDomain': 'mask-keep-domain',
  replacement: 'rule-replacement',
};
const PATHS_LONGEST_FIRST = Object.keys(FIELD_IDS).sort((a, b) => b.length - a.length);

const value = (id) => byId(id).value.trim();
const lines = (text) =>
  text
    .split(/[\n,]/)
    .map((part) => part.trim())
    .filter(Boolean);
// A number the API can check; text that is not one is sent as typed so the API can say why.
const numberOrText = (text) => (text !== '' && Number.isFinite(Number(text)) ? Number(text) : text);

/** Shows the fields that the chosen match kind and action use, hides the others. */
export function syncDependentFields() {
  const kind = byId('rule-match-kind').value;
  byId('detector-field').hidden = kind !== 'detector';
  byId('regex-fields').hidden = kind !== 'regex';
  const action = byId('rule-action').value;
  byId('mask-fields').hidden = action !== 'mask';
  byId('replacement-field').hidden = action !== 'replace';
}

/** Fills the detector choices from the API's own list. */
export function setDetectors(detectors) {
  const select = byId('rule-detector');
  replaceChildren(
    select,
    detectors.map((name) => h('option', { value: name }, name)),
  );
}

/** Puts a stored rule (or the defaults of a new one) into the form. */
export function fillForm(rule) {
  const set = (id, text) => (byId(id).value = text ?? '');
  set('rule-name', rule?.name);
  set('rule-description', rule?.description);
  set('rule-priority', String(rule?.priority ?? 100));
  byId('rule-enabled').checked = rule?.enabled ?? true;
  set('rule-topic', rule?.topic ?? '#');
  set('rule-brokers', (rule?.brokers ?? ['*']).join(', '));
  const match = rule?.match;
  set(
    'rule-match-kind',
    match?.regex !== undefined ? 'regex' : match?.detector ? 'detector' : 'none',
  );
  if (match?.detector) set('rule-detector', match.detector);
  set('rule-regex', match?.regex);
  set('rule-flags', match?.flags);
  set('rule-keys', (rule?.keys ?? []).join('\n'));
  set('rule-action', rule?.action ?? 'hash');
  set('mask-char', rule?.mask?.char);
  set('mask-keep-start', rule?.mask?.keepStart?.toString());
  set('mask-keep-end', rule?.mask?.keepEnd?.toString());
  byId('mask-keep-domain').checked = rule?.mask?.keepDomain ?? false;
  set('rule-replacement', rule?.replacement);
  syncDependentFields();
  clearErrors();
}

/**
 * The rule the form describes, as the API takes it (`POST`/`PUT /api/v1/rules`). Fields left
 * empty are omitted so the API's defaults apply; nothing is validated here: the API's 400
 * messages are shown next to the fields instead, so there is one source of truth.
 */
export function formRule() {
  const rule = { name: value('rule-name'), action: byId('rule-action').value };
  const description = value('rule-description');
  if (description) rule.description = description;
  rule.enabled = byId('rule-enabled').checked;
  const priority = value('rule-priority');
  if (priority) rule.priority = numberOrText(priority);
  const topic = value('rule-topic');
  if (topic) rule.topic = topic;
  const brokers = lines(value('rule-brokers'));
  if (brokers.length > 0) rule.brokers = brokers;
  const kind = byId('rule-match-kind').value;
  if (kind === 'detector') rule.match = { detector: byId('rule-detector').value };
  if (kind === 'regex') {
    rule.match = { regex: byId('rule-regex').value };
    const flags = value('rule-flags');
    if (flags) rule.match.flags = flags;
  }
  const keys = value('rule-keys')
    .split('\n')
    .map((key) => key.trim())
    .filter(Boolean);
  if (keys.length > 0) rule.keys = keys;
  if (rule.action === 'mask') {
    const mask = {};
    const char = byId('mask-char').value;
    if (char) mask.char = char;
    const keepStart = value('mask-keep-start');
    if (keepStart) mask.keepStart = numberOrText(keepStart);
    const keepEnd = value('mask-keep-end');
    if (keepEnd) mask.keepEnd = numberOrText(keepEnd);
    if (byId('mask-keep-domain').checked) mask.keepDomain = true;
    rule.mask = mask;
  }
  const replacement = byId('rule-replacement').value;
  if (rule.action === 'replace' && replacement) rule.replacement = replacement;
  return rule;
}

/** Removes every message the last refusal left on the form. */
export function clearErrors() {
  for (const id of new Set(Object.values(FIELD_IDS))) {
    const control = byId(id);
    control.removeAttribute('aria-invalid');
    describedBy(control, (ids) => ids.filter((other) => other !== `${id}-error`));
    document.getElementById(`${id}-error`)?.remove();
  }
  byId('form-errors').hidden = true;
}

/**
 * Shows the API's messages: each under its field (linked with aria-describedby), all of them
 * in a summary that takes focus so keyboard and screen-reader users hear what to fix.
 */
export function showErrors(messages) {
  clearErrors();
  for (const message of messages) {
    const path = PATHS_LONGEST_FIRST.find((candidate) => belongsTo(message, candidate));
    if (!path) continue;
    const id = FIELD_IDS[path];
    const control = byId(id);
    let note = document.getElementById(`${id}-error`);
    if (!note) {
      note = h('p', { id: `${id}-error`, class: 'field-error' });
      control.closest('.field').append(note);
      describedBy(control, (ids) => [...ids, note.id]);
    }
    control.setAttribute('aria-invalid', 'true');
    note.textContent = note.textContent ? `${note.textContent} ${message}` : message;
  }
  const summary = byId('form-errors');
  replaceChildren(
    byId('form-error-list'),
    messages.map((message) => h('li', {}, message)),
  );
  summary.hidden = false;
  summary.focus();
}

function describedBy(control, change) {
  const ids = change((control.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean));
  if (ids.length > 0) control.setAttribute('aria-describedby', ids.join(' '));
  else control.removeAttribute('aria-describedby');
}

function belongsTo(message, path) {
  if (!message.startsWith(path)) return false;
  const next = message.charAt(path.length);
  return next === ' ' || next === '.' || next === '[' || next === '';
}
