import { api, ApiError } from './api.js';
import { announce, byId, h, replaceChildren, when } from './dom.js';

/** Broker connections: the table, and a one-line summary in the page header. */
export async function refreshBrokers() {
  const { items } = await api('GET', '/brokers');
  const connected = items.filter((broker) => broker.connected).length;
  const summary = byId('broker-summary');
  summary.textContent = `${connected} of ${items.length} broker${items.length === 1 ? '' : 's'} connected`;
  summary.className = connected === items.length ? 'pill ok' : 'pill warn';
  summary.hidden = false;
  replaceChildren(
    byId('broker-rows'),
    items.map((broker) =>
      h(
        'tr',
        {},
        h('th', { scope: 'row' }, broker.id, h('span', { class: 'broker-url' }, broker.url)),
        h(
          'td',
          {},
          h(
            'span',
            { class: broker.connected ? 'state ok' : 'state warn' },
            broker.connected ? 'connected' : 'disconnected',
          ),
          broker.resync
            ? h(
                'span',
                { class: 'broker-note' },
                `re-sync: ${broker.resync.sent} sent, ${broker.resync.pending} pending`,
              )
            : null,
          broker.lastError ? h('span', { class: 'broker-error' }, broker.lastError) : null,
        ),
        h('td', { class: 'num' }, String(broker.queued)),
        h('td', { class: 'num' }, String(broker.published)),
        h('td', { class: 'num' }, String(broker.refused ?? 0)),
        h('td', { class: 'num' }, String(broker.reconnects ?? 0)),
      ),
    ),
  );
  return items;
}

const FINDINGS_SHOWN = 10;
let allFindingsShown = false;

/**
 * Personal data found in what brokers received, which no rule covers (GET /api/v1/findings):
 * the most frequent first, ten of them unless the operator asks for all.
 */
export async function refreshFindings(onCreateRule) {
  const { items } = await api('GET', '/findings');
  const sorted = [...items].sort((a, b) => b.count - a.count);
  const shown = allFindingsShown ? sorted : sorted.slice(0, FINDINGS_SHOWN);
  byId('no-findings').hidden = items.length > 0;
  byId('finding-table').hidden = items.length === 0;
  const more = byId('more-findings');
  more.hidden = sorted.length <= FINDINGS_SHOWN;
  more.textContent = allFindingsShown ? 'Show the ten most frequent' : `Show all ${sorted.length}`;
  more.onclick = () => {
    allFindingsShown = !allFindingsShown;
    refreshFindings(onCreateRule).catch(() => undefined);
  };
  replaceChildren(
    byId('finding-rows'),
    shown.map((finding) =>
      h(
        'tr',
        {},
        h('td', {}, finding.broker),
        h('td', {}, finding.detector),
        h('td', {}, h('code', {}, finding.topicFilter)),
        h('td', { class: 'num' }, String(finding.count)),
        h('td', {}, when(finding.lastSeen)),
        h(
          'td',
          { class: 'row-actions' },
          h(
            'button',
            {
              type: 'button',
              'aria-label': `Create a rule for ${finding.detector} on ${finding.topicFilter}`,
              onclick: () => onCreateRule(finding),
            },
            'Create rule',
          ),
        ),
      ),
    ),
  );
}

/** Data subjects (opt-out and erasure): list, add, remove. The raw subject is never shown back. */
export async function refreshSubjects() {
  const { items } = await api('GET', '/subjects');
  byId('no-subjects').hidden = items.length > 0;
  byId('subject-table').hidden = items.length === 0;
  replaceChildren(
    byId('subject-rows'),
    items.map((subject) =>
      h(
        'tr',
        {},
        h('td', {}, h('code', {}, subject.fingerprint)),
        h('td', {}, subject.action),
        h('td', {}, when(subject.createdAt)),
        h(
          'td',
          {},
          h(
            'button',
            {
              type: 'button',
              class: 'danger',
              'aria-label': `Remove subject ${subject.fingerprint}`,
              onclick: () => removeSubject(subject),
            },
            'Remove',
          ),
        ),
      ),
    ),
  );
}

async function removeSubject(subject) {
  try {
    await api('DELETE', `/subjects/${encodeURIComponent(subject.id)}`);
    announce('Subject removed.');
  } catch (error) {
    announce(`The subject was not removed: ${error.message}`);
  }
  await refreshSubjects().catch(() => undefined);
}

/** Wires the "add a subject" form. */
export function setUpSubjectForm() {
  byId('subject-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = { subject: byId('subject-value').value, action: byId('subject-action').value };
    const replacement = byId('subject-replacement').value;
    if (body.action === 'replace' && replacement) body.replacement = replacement;
    const problem = byId('subject-error');
    try {
      await api('POST', '/subjects', { body });
      byId('subject-value').value = '';
      problem.hidden = true;
      announce('Subject added: brokers are being cleaned of it.');
      await refreshSubjects();
    } catch (error) {
      problem.textContent = error instanceof ApiError ? error.messages.join(' ') : String(error);
      problem.hidden = false;
    }
  });
}

/** What a proposed rule set would change on every broker (POST /api/v1/rules/impact). */
export async function showImpact(rules) {
  const output = byId('impact-result');
  replaceChildren(output, h('p', { class: 'hint' }, 'Computing…'));
  try {
    const { brokers } = await api('POST', '/rules/impact', { body: { rules } });
    replaceChildren(
      output,
      brokers.map((broker) =>
        h(
          'article',
          { class: 'broker-preview' },
          h('h4', {}, `Broker ${broker.broker}`),
          h(
            'p',
            {},
            `${broker.changed} changed, ${broker.dropped} dropped, ${broker.unchanged} unchanged`,
          ),
          (broker.samples ?? [])
            .slice(0, 5)
            .map((sample) =>
              h(
                'details',
                {},
                h('summary', {}, h('code', {}, sample.topic)),
                h(
                  'pre',
                  { class: 'payload' },
                  `before: ${payloadText(sample.before)}\nafter:  ${payloadText(sample.after)}`,
                ),
              ),
            ),
        ),
      ),
    );
  } catch (error) {
    const messages = error instanceof ApiError ? error.messages : [String(error)];
    replaceChildren(
      output,
      h(
        'ul',
        { class: 'error' },
        messages.map((message) => h('li', {}, message)),
      ),
    );
  }
}

/** A sample's payload as the broker holds it (text), or what its absence means. */
function payloadText(payload) {
  if (payload === null || payload === undefined) return '(nothing: no retained message)';
  return typeof payload === 'string' ? payload : JSON.stringify(payload);
}
