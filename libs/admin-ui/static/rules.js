import { h, replaceChildren, byId } from './dom.js';

const MIN_PRIORITY = -1_000_000;
const MAX_PRIORITY = 1_000_000;
const RENUMBER_STEP = 10;

/** How a rule selects content, in a few words. */
export function describeMatch(rule) {
  const what = rule.match?.detector
    ? `${rule.match.detector} detector`
    : rule.match?.regex !== undefined
      ? `/${rule.match.regex}/${rule.match.flags ?? ''}`
      : 'whole value';
  return rule.keys?.length ? `${what} in ${rule.keys.join(', ')}` : what;
}

/** A stored rule as the API takes it back (without id, version and timestamps). */
export function ruleInput(rule) {
  const { id: _id, version: _version, createdAt: _created, updatedAt: _updated, ...input } = rule;
  return input;
}

/**
 * The priority changes that move `rules[from]` to position `to` of the application order.
 * One change when a free priority lies strictly between the new neighbours (so ties, which go
 * by age, cannot undo the move); otherwise the whole list is renumbered in steps of ten.
 */
export function reorderPlan(rules, from, to) {
  const order = rules.slice();
  const [moved] = order.splice(from, 1);
  order.splice(to, 0, moved);
  const before = order[to - 1];
  const after = order[to + 1];
  const low = before ? before.priority : MIN_PRIORITY - 1;
  const high = after ? after.priority : MAX_PRIORITY + 1;
  let priority;
  if (before && after) priority = Math.floor((low + high) / 2);
  else if (before) priority = Math.min(low + RENUMBER_STEP, MAX_PRIORITY);
  else priority = Math.max(high - RENUMBER_STEP, MIN_PRIORITY);
  if (priority > low && priority < high) return [{ rule: moved, priority }];
  return order
    .map((rule, index) => ({ rule, priority: (index + 1) * RENUMBER_STEP }))
    .filter((change) => change.rule.priority !== change.priority);
}

/**
 * Draws the rules table. `actions` has edit(rule), toggle(rule, enabled), move(index, to) and
 * remove(rule); each control names its rule for screen readers.
 */
export function renderRules(rules, actions) {
  const rows = rules.map((rule, index) => {
    const label = (verb) => `${verb} rule ${rule.name}`;
    return h(
      'tr',
      { class: rule.enabled ? undefined : 'disabled', 'data-rule-id': rule.id },
      h('td', { class: 'num' }, String(index + 1)),
      h('td', { class: 'num' }, String(rule.priority)),
      h(
        'th',
        { scope: 'row' },
        h('span', { class: 'rule-name' }, rule.name),
        rule.description ? h('span', { class: 'rule-description' }, rule.description) : null,
      ),
      h('td', {}, h('code', {}, rule.topic)),
      h('td', {}, describeMatch(rule)),
      h('td', {}, h('span', { class: `action action-${rule.action}` }, rule.action)),
      h(
        'td',
        {},
        h('input', {
          type: 'checkbox',
          class: 'enabled-toggle',
          checked: rule.enabled,
          'aria-label': label('Enable'),
          onchange: (event) => actions.toggle(rule, event.target.checked),
        }),
      ),
      h(
        'td',
        { class: 'row-actions' },
        h(
          'button',
          { type: 'button', 'aria-label': label('Edit'), onclick: () => actions.edit(rule) },
          'Edit',
        ),
        h(
          'button',
          {
            type: 'button',
            class: 'icon',
            'aria-label': label('Move up'),
            title: 'Move up',
            disabled: index === 0,
            onclick: () => actions.move(index, index - 1),
          },
          '↑',
        ),
        h(
          'button',
          {
            type: 'button',
            class: 'icon',
            'aria-label': label('Move down'),
            title: 'Move down',
            disabled: index === rules.length - 1,
            onclick: () => actions.move(index, index + 1),
          },
          '↓',
        ),
        h(
          'button',
          {
            type: 'button',
            class: 'danger',
            'aria-label': label('Delete'),
            onclick: () => actions.remove(rule),
          },
          'Delete',
        ),
      ),
    );
  });
  replaceChildren(byId('rule-rows'), rows);
  byId('rule-table').hidden = rules.length === 0;
  byId('no-rules').hidden = rules.length > 0;
  byId('rule-count').textContent = `(${rules.length})`;
}
