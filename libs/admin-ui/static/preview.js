import { api, ApiError } from './api.js';
import { byId, debounce, h, replaceChildren } from './dom.js';

const MAX_PREVIEW_RULES = 100;
const RULE_NAME = /^[A-Za-z0-9._ -]{1,100}$/;
const DRAFT_NAME = 'draft - unsaved';

let sequence = 0;

/**
 * The rule set the preview runs: the saved rules with the draft in place of the rule being
 * edited (or added), so the operator sees what each broker would receive once it is saved.
 * An unusable or taken name is swapped for a placeholder: the preview is about the effect.
 */
export function proposedRules(saved, draft, editingId) {
  const others = saved.filter((rule) => rule.id !== editingId);
  const nameFree = RULE_NAME.test(draft.name) && !others.some((rule) => rule.name === draft.name);
  const named = { ...draft, name: nameFree ? draft.name : DRAFT_NAME };
  return { named, rules: [...others, named] };
}

/** Runs the preview now (callers debounce); stale answers are ignored. */
export async function runPreview({ saved, draft, editingId, withoutId }) {
  const output = byId('preview-result');
  const topic = byId('preview-topic').value.trim();
  const valueText = byId('preview-value').value;
  if (!topic || !valueText.trim()) {
    replaceChildren(
      output,
      h('p', { class: 'hint' }, 'Enter a topic and its value to preview the draft.'),
    );
    return;
  }
  let value;
  try {
    value = JSON.parse(valueText);
  } catch {
    replaceChildren(output, h('p', { class: 'error' }, 'The value is not valid JSON.'));
    return;
  }
  const { named, rules } = proposedRules(saved, draft, editingId);
  const inputs = rules.map(withoutId);
  const body = {
    topic,
    value,
    rules: inputs.length > MAX_PREVIEW_RULES ? [withoutId(named)] : inputs,
  };
  const mine = ++sequence;
  try {
    const result = await api('POST', '/rules/preview', { body });
    if (mine !== sequence) return;
    replaceChildren(
      output,
      result.brokers.map((broker) => brokerResult(broker, named.name)),
    );
  } catch (error) {
    if (mine !== sequence) return;
    const messages = error instanceof ApiError ? error.messages : [String(error)];
    replaceChildren(
      output,
      h('p', { class: 'error' }, 'The draft cannot be previewed yet:'),
      h(
        'ul',
        { class: 'error' },
        messages.map((message) => h('li', {}, message)),
      ),
    );
  }
}

function brokerResult(broker, draftName) {
  const applied = broker.applied.map((rule) =>
    rule.name === draftName
      ? `${rule.name} (this draft, ${rule.action})`
      : `${rule.name} (${rule.action})`,
  );
  let outcome;
  if (broker.refused)
    outcome = h('p', { class: 'error' }, `Refused by the broker's limits: ${broker.refused}`);
  else if (broker.dropped)
    outcome = h(
      'p',
      { class: 'dropped' },
      'Dropped: this broker receives nothing (its retained topic is cleared).',
    );
  else
    outcome = [
      h('p', { class: 'preview-topic' }, h('code', {}, broker.topic)),
      h('pre', { class: 'payload', 'data-broker': broker.broker }, prettyPayload(broker.payload)),
    ];
  return h(
    'article',
    { class: 'broker-preview', 'aria-label': `Broker ${broker.broker}` },
    h('h4', {}, `Broker ${broker.broker}`),
    outcome,
    h(
      'p',
      { class: 'hint' },
      applied.length ? `Rules applied: ${applied.join(', ')}` : 'No rule changes this value.',
    ),
  );
}

function prettyPayload(payload) {
  try {
    return JSON.stringify(JSON.parse(payload), null, 2);
  } catch {
    return payload;
  }
}

/**
 * The topic picker, shown only when the bridge lists its current topics (GET /api/v1/topics).
 * Picking a topic fills the topic field, and the value field when the listing carries values.
 */
export function setUpTopicPicker(enabled, onPicked) {
  byId('topic-picker').hidden = !enabled;
  if (!enabled) return;
  const search = byId('topic-search');
  const results = byId('topic-results');
  let items = [];
  const load = debounce(async () => {
    const query = new URLSearchParams({ search: search.value.trim(), limit: '20' });
    try {
      const answer = await api('GET', `/topics?${query}`);
      items = (answer?.items ?? []).map((item) =>
        typeof item === 'string' ? { topic: item } : item,
      );
      replaceChildren(
        results,
        items.map((item, index) => h('option', { value: String(index) }, item.topic)),
      );
    } catch {
      replaceChildren(results);
    }
  }, 250);
  search.addEventListener('input', load);
  results.addEventListener('change', () => {
    const item = items[Number(results.value)];
    if (!item) return;
    byId('preview-topic').value = item.topic;
    if ('value' in item) byId('preview-value').value = JSON.stringify(item.value, null, 2);
    onPicked();
  });
  load();
}
