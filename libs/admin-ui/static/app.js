/* global document */
import { api, ApiError, detectFeatures, token, whenUnauthorized } from './api.js';
import { announce, byId, debounce } from './dom.js';
import {
  refreshBrokers,
  refreshFindings,
  refreshSubjects,
  setUpSubjectForm,
  showImpact,
} from './panels.js';
import { proposedRules, runPreview, setUpTopicPicker } from './preview.js';
import {
  clearErrors,
  fillForm,
  formRule,
  setDetectors,
  showErrors,
  syncDependentFields,
} from './rule-form.js';
import { renderRules, reorderPlan, ruleInput } from './rules.js';

const POLL_MS = 5000;
const state = { rules: [], editing: undefined, features: undefined, poller: undefined };
let featuresReady;

async function start() {
  // Read before anything else: a token stored by an earlier visit in this tab, not one the
  // operator is typing right now.
  const restored = token.get();
  featuresReady = detectFeatures().then((features) => {
    state.features = features;
    setDetectors(features.detectors);
    byId('show-impact').hidden = !features.impact;
    setUpTopicPicker(features.topics, schedulePreview);
  });
  whenUnauthorized(() => signOut('The bridge no longer accepts this token: sign in again.'));
  wireForms();
  if (restored) await signIn(restored, { restoring: true });
  else byId('token').focus();
}

async function signIn(candidate, { restoring = false } = {}) {
  const problem = byId('sign-in-error');
  let rules;
  try {
    ({ items: rules } = await api('GET', '/rules', { bearer: candidate }));
  } catch (error) {
    const refused = error instanceof ApiError && error.status === 401;
    if (refused) token.clear();
    problem.textContent = !refused
      ? `The bridge cannot be reached: ${error.message}`
      : restoring
        ? 'The bridge no longer accepts the token of this session: sign in again.'
        : 'The bridge did not accept this token.';
    problem.hidden = false;
    byId('token').focus();
    return;
  }
  await featuresReady;
  token.set(candidate);
  problem.hidden = true;
  byId('token').value = '';
  showWorkspace(rules, restoring);
}

function showWorkspace(rules, restoring) {
  byId('sign-in').hidden = true;
  byId('workspace').hidden = false;
  byId('sign-out').hidden = false;
  state.rules = rules;
  render();
  const { findings, subjects } = state.features;
  byId('findings').hidden = !findings;
  byId('subjects').hidden = !subjects;
  if (subjects) refreshSubjects().catch(report);
  poll();
  clearInterval(state.poller);
  state.poller = setInterval(poll, POLL_MS);
  if (!restoring) byId('rules-title').focus();
}

function signOut(message) {
  token.clear();
  clearInterval(state.poller);
  closeEditor();
  state.rules = [];
  byId('workspace').hidden = true;
  byId('sign-out').hidden = true;
  byId('broker-summary').hidden = true;
  byId('sign-in').hidden = false;
  const problem = byId('sign-in-error');
  problem.textContent = message ?? '';
  problem.hidden = !message;
  byId('token').focus();
}

/** Broker status (and findings) stay current while the tab is visible. */
function poll() {
  if (document.hidden) return;
  refreshBrokers().catch(report);
  if (state.features.findings) refreshFindings(ruleForFinding).catch(report);
}

function report(error) {
  if (error instanceof ApiError && error.status === 401) return; // signed out already
  announce(`Could not refresh: ${error.message}`);
}

async function reloadRules() {
  const { items } = await api('GET', '/rules');
  state.rules = items;
  render();
}

function render() {
  renderRules(state.rules, { edit: openEditor, toggle, move, remove: confirmDelete });
}

function openEditor(rule) {
  state.editing = rule;
  fillForm(rule);
  byId('editor-title').textContent = rule ? `Edit rule ${rule.name}` : 'New rule';
  byId('impact-result').replaceChildren();
  byId('editor').hidden = false;
  byId('preview').hidden = false;
  byId('rule-name').focus();
  schedulePreview();
}

function closeEditor() {
  state.editing = undefined;
  byId('editor').hidden = true;
  byId('preview').hidden = true;
  clearErrors();
}

function ruleForFinding(finding) {
  openEditor(undefined);
  byId('rule-name').value = `protect-${finding.detector}`;
  byId('rule-topic').value = finding.topicFilter;
  byId('rule-match-kind').value = 'detector';
  byId('rule-detector').value = finding.detector;
  syncDependentFields();
  schedulePreview();
}

async function saveRule(event) {
  event.preventDefault();
  const rule = formRule();
  const editing = state.editing;
  try {
    const saved = editing
      ? await api('PUT', `/rules/${encodeURIComponent(editing.id)}`, {
          body: rule,
          version: editing.version,
        })
      : await api('POST', '/rules', { body: rule });
    closeEditor();
    await reloadRules();
    announce(`Rule ${saved.name} saved: affected retained topics are being re-published.`);
    byId('rules-title').focus();
  } catch (error) {
    if (error instanceof ApiError && error.status === 412) {
      await reloadRules();
      showErrors([
        'Someone changed this rule meanwhile: the list is reloaded; open the rule again.',
      ]);
    } else if (error instanceof ApiError && error.status < 500) showErrors(error.messages);
    else showErrors([`The rule was not saved: ${error.message}`]);
  }
}

/** Runs a change, then shows the rules as they now are, whatever happened. */
async function change(description, run) {
  try {
    await run();
    announce(description);
  } catch (error) {
    announce(
      error instanceof ApiError && error.status === 412
        ? 'Someone changed the rules meanwhile: the list is reloaded.'
        : `Not done: ${error.message}`,
    );
  }
  await reloadRules().catch(report);
}

function toggle(rule, enabled) {
  return change(`Rule ${rule.name} ${enabled ? 'enabled' : 'disabled'}.`, () =>
    api('PATCH', `/rules/${encodeURIComponent(rule.id)}`, {
      body: { enabled },
      version: rule.version,
    }),
  );
}

function move(from, to) {
  const rule = state.rules[from];
  return change(`Rule ${rule.name} moved to position ${to + 1}.`, async () => {
    for (const { rule: target, priority } of reorderPlan(state.rules, from, to))
      await api('PATCH', `/rules/${encodeURIComponent(target.id)}`, {
        body: { priority },
        version: target.version,
      });
  });
}

function confirmDelete(rule) {
  const dialog = byId('confirm-delete');
  byId('confirm-delete-text').textContent =
    `Rule ${rule.name} stops applying; brokers get the values it changed re-published.`;
  dialog.dataset.ruleId = rule.id;
  dialog.showModal();
}

function deleteConfirmed() {
  const dialog = byId('confirm-delete');
  const rule = state.rules.find((candidate) => candidate.id === dialog.dataset.ruleId);
  dialog.close();
  if (!rule) return;
  if (state.editing?.id === rule.id) closeEditor();
  return change(`Rule ${rule.name} deleted.`, () =>
    api('DELETE', `/rules/${encodeURIComponent(rule.id)}`, { version: rule.version }),
  );
}

const schedulePreview = debounce(() => {
  if (byId('editor').hidden) return;
  void runPreview({
    saved: state.rules,
    draft: formRule(),
    editingId: state.editing?.id,
    withoutId: ruleInput,
  });
}, 300);

function wireForms() {
  byId('sign-in-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void signIn(byId('token').value.trim());
  });
  byId('sign-out').addEventListener('click', () => signOut());
  byId('new-rule').addEventListener('click', () => openEditor(undefined));
  byId('cancel-edit').addEventListener('click', () => {
    closeEditor();
    byId('new-rule').focus();
  });
  const form = byId('rule-form');
  form.addEventListener('submit', saveRule);
  form.addEventListener('change', syncDependentFields);
  form.addEventListener('input', schedulePreview);
  form.addEventListener('change', schedulePreview);
  byId('preview-topic').addEventListener('input', schedulePreview);
  byId('preview-value').addEventListener('input', schedulePreview);
  byId('show-impact').addEventListener('click', () => {
    const { rules } = proposedRules(state.rules, formRule(), state.editing?.id);
    void showImpact(rules.map(ruleInput));
  });
  byId('confirm-delete-cancel').addEventListener('click', () => byId('confirm-delete').close());
  byId('confirm-delete-button').addEventListener('click', () => void deleteConfirmed());
  setUpSubjectForm();
}

void start();
