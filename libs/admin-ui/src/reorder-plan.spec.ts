import { beforeAll, describe, expect, it } from 'vitest';

interface Rule {
  id: string;
  priority: number;
  /** Position in creation order: the bridge breaks priority ties by age. */
  age: number;
}
type ReorderPlan = (rules: Rule[], from: number, to: number) => { rule: Rule; priority: number }[];

// The page's modules are browser JavaScript served as they are (no build step), so TypeScript
// has no types for them: the module is loaded by a path TypeScript does not resolve.
const RULES_MODULE: string = '../static/rules.js';
let reorderPlan: ReorderPlan;

const rules = (...priorities: number[]): Rule[] =>
  priorities.map((priority, age) => ({ id: String.fromCharCode(97 + age), priority, age }));

/** The order the bridge applies the rules in once the plan's changes are saved. */
function orderAfter(list: Rule[], plan: ReturnType<ReorderPlan>): string[] {
  const changed = new Map(plan.map((change) => [change.rule.id, change.priority]));
  return list
    .map((rule) => ({ ...rule, priority: changed.get(rule.id) ?? rule.priority }))
    .sort((x, y) => x.priority - y.priority || x.age - y.age)
    .map((rule) => rule.id);
}

describe('reorderPlan (the rules page moving a rule)', () => {
  beforeAll(async () => {
    ({ reorderPlan } = (await import(RULES_MODULE)) as { reorderPlan: ReorderPlan });
  });

  it('changes one priority when a free one lies between the new neighbours', () => {
    const list = rules(10, 20, 30);
    const plan = reorderPlan(list, 2, 1);
    expect(plan).toEqual([{ rule: list[2], priority: 15 }]);
    expect(orderAfter(list, plan)).toEqual(['a', 'c', 'b']);
  });

  it('moves a rule above an older one of equal priority', () => {
    const list = rules(100, 100);
    const plan = reorderPlan(list, 1, 0);
    expect(plan).toHaveLength(1);
    expect(orderAfter(list, plan)).toEqual(['b', 'a']);
  });

  it('renumbers when the neighbours leave no room', () => {
    const list = rules(10, 11, 12);
    const plan = reorderPlan(list, 2, 1);
    expect(plan.length).toBeGreaterThan(1);
    expect(orderAfter(list, plan)).toEqual(['a', 'c', 'b']);
  });

  it('stays within the priority range the API accepts', () => {
    const list = rules(1_000_000, 1_000_000, -1_000_000);
    for (const [from, to] of [
      [0, 1],
      [1, 0],
      [2, 0],
      [0, 2],
    ]) {
      const sorted = [...list].sort((x, y) => x.priority - y.priority || x.age - y.age);
      const plan = reorderPlan(sorted, from, to);
      const expected = sorted.map((rule) => rule.id);
      expected.splice(to, 0, ...expected.splice(from, 1));
      expect(orderAfter(sorted, plan), `${from} → ${to}`).toEqual(expected);
      for (const change of plan) expect(Math.abs(change.priority)).toBeLessThanOrEqual(1_000_000);
    }
  });
});
