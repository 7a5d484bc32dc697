import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { StateChange } from '../model/state-change';
import { RateLimitedLog } from '../util/rate-limited-log';
import { BindingTable } from './binding-table';
import { parseControlFrame } from './control-frame';

interface Sent {
  id: number;
  cmd: string;
  sys: string;
  mod: string;
  index: number;
  name: string;
}

/** A pacer whose answer the test sets, resuming waiters when told to. */
function switchablePacer(initially: boolean) {
  let open = initially;
  let waiting: Array<() => void> = [];
  return {
    pacer: {
      canTakeMore: () => open,
      onceReady: (resume: () => void) => void waiting.push(resume),
    },
    set(next: boolean) {
      open = next;
      if (!next) return;
      const resumes = waiting;
      waiting = [];
      for (const resume of resumes) resume();
    },
    get waiters() {
      return waiting.length;
    },
  };
}

function setup(window = 2, timeoutMs = 1000, pacer?: ReturnType<typeof switchablePacer>['pacer']) {
  let now = 1_000;
  const sent: Sent[] = [];
  const changes: StateChange[] = [];
  let socketOpen = true;
  const table = new BindingTable({
    window,
    timeoutMs,
    retry: { baseMs: 100, maxMs: 100 },
    send: (text) => {
      if (!socketOpen) return false;
      sent.push(JSON.parse(text) as Sent);
      return true;
    },
    emit: (change) => changes.push(change),
    log: new RateLimitedLog(pino({ level: 'silent' })),
    pacer,
    now: () => now,
  });
  const frame = (text: string) => table.handle(parseControlFrame(text), now);
  const meta = (s: Sent) =>
    JSON.stringify({ sys: s.sys, mod: s.mod, index: s.index, name: s.name });
  return {
    table,
    sent,
    changes,
    frame,
    meta,
    advance: (ms: number) => (now += ms),
    setOpen: (open: boolean) => (socketOpen = open),
  };
}

describe('BindingTable', () => {
  it('holds binds back while its pacer says the consumer is behind, and goes on when resumed', () => {
    const gate = switchablePacer(true);
    const t = setup(10, 1000, gate.pacer);
    t.table.onOpen();
    t.table.setSlot('sys-1', 'Display', 1, 'mod-a', ['a', 'b']);
    expect(t.sent.map((s) => s.name)).toEqual(['a', 'b']);
    gate.set(false);
    t.table.setSlot('sys-1', 'Display', 2, 'mod-b', ['c', 'd', 'e']);
    // Nothing more goes out, however many replies arrive, and the table waits once.
    for (const s of t.sent) t.frame(`{"id":${s.id},"type":"success","meta":${t.meta(s)}}`);
    expect(t.sent).toHaveLength(2);
    expect(gate.waiters).toBe(1);
    gate.set(true);
    expect(t.sent.map((s) => s.name)).toEqual(['a', 'b', 'c', 'd', 'e']);
    // Live notifies are never held back.
    gate.set(false);
    const [a] = t.sent;
    t.frame(`{"id":${a.id},"type":"notify","value":7,"meta":${t.meta(a)}}`);
    expect(t.changes.at(-1)).toMatchObject({ key: 'a', json: '7' });
  });

  it('binds within the window with integer ids and accepts a notify before its success', () => {
    const t = setup(2);
    t.table.onOpen();
    t.table.setSlot('sys-1', 'Display', 1, 'mod-a', ['power', 'input', 'volume']);
    expect(t.sent.map((s) => [s.cmd, s.name])).toEqual([
      ['bind', 'power'],
      ['bind', 'input'],
    ]);
    expect(t.sent.every((s) => Number.isInteger(s.id))).toBe(true);
    const [power, input] = t.sent;
    t.frame(`{"id":${power.id},"type":"notify","value":true,"meta":${t.meta(power)}}`);
    t.frame(`{"id":${power.id},"type":"success","meta":${t.meta(power)}}`);
    expect(t.sent).toHaveLength(3); // the window moved on
    t.frame(`{"id":${input.id},"type":"success","meta":${t.meta(input)}}`);
    t.frame(`{"id":${input.id},"type":"notify","value":"hdmi","meta":${t.meta(input)}}`);
    t.frame(`{"id":${input.id},"type":"notify","value":null,"meta":${t.meta(input)}}`);
    expect(t.changes).toEqual([
      expect.objectContaining({
        systemId: 'sys-1',
        moduleName: 'Display',
        index: 1,
        moduleId: 'mod-a',
        key: 'power',
        json: 'true',
        resync: true,
      }),
      expect.objectContaining({ key: 'input', json: '"hdmi"', resync: true }),
      expect.objectContaining({ key: 'input', json: 'null', resync: false }),
    ]);
    expect(t.table.bound).toBe(2);
    expect(t.table.allBound).toBe(false);
  });

  it('retries a bind PlaceOS never answered, and re-binds everything after a reconnect', () => {
    const t = setup(10, 1000);
    t.table.onOpen();
    t.table.setSlot('sys-1', 'Display', 1, 'mod-a', ['power']);
    t.advance(1001);
    t.table.sweep();
    expect(t.table.pending).toBe(0);
    t.advance(200);
    t.table.sweep();
    expect(t.sent.map((s) => s.cmd)).toEqual(['bind', 'bind']);
    expect(t.sent[1].id).toBeGreaterThan(t.sent[0].id);
    t.frame(`{"id":${t.sent[1].id},"type":"success"}`);
    expect(t.table.allBound).toBe(true);
    t.table.onClose();
    expect(t.table.bound).toBe(0);
    t.table.onOpen();
    expect(t.sent).toHaveLength(3);
    t.frame(`{"id":${t.sent[2].id},"type":"notify","value":1,"meta":${t.meta(t.sent[2])}}`);
    expect(t.changes.at(-1)).toMatchObject({ json: '1', resync: true });
  });

  it('routes a notify without meta by its pending request id, and drops strays', () => {
    const t = setup();
    t.table.onOpen();
    t.table.setSlot('sys-1', 'Display', 1, 'mod-a', ['power']);
    const id = t.sent[0].id;
    t.frame(`{"id":${id},"type":"notify","value":5}`);
    t.frame(`{"id":${id},"type":"success"}`);
    t.frame(`{"id":999,"type":"notify","value":6}`);
    expect(t.changes.map((c) => c.json)).toEqual(['5']);
  });

  it('unbinds removed slots and re-binds a slot taken over by another module', () => {
    const t = setup(10);
    t.table.onOpen();
    t.table.setSlot('sys-1', 'Display', 1, 'mod-a', ['power']);
    t.frame(`{"id":${t.sent[0].id},"type":"success"}`);
    t.table.setSlot('sys-1', 'Display', 1, 'mod-b', ['power', 'input']);
    expect(t.sent.slice(1).map((s) => `${s.cmd}:${s.name}`)).toEqual([
      'unbind:power',
      'bind:power',
      'bind:input',
    ]);
    expect(t.table.pending).toBe(2);
    t.table.removeSlot('sys-1|Display|1');
    expect(t.sent.slice(4).map((s) => `${s.cmd}:${s.name}`)).toEqual([
      'unbind:power',
      'unbind:input',
    ]);
    expect(t.table.size).toBe(0);
    expect(t.table.pending).toBe(0);
    t.frame(`{"id":${t.sent[2].id},"type":"notify","value":1,"meta":${t.meta(t.sent[2])}}`);
    expect(t.changes).toHaveLength(0);
  });

  it('retries a bind refused with an error frame, and waits while the socket is closed', () => {
    const t = setup(10);
    t.table.setSlot('sys-1', '_Secret', 1, 'mod-s', ['x']);
    expect(t.sent).toHaveLength(0);
    t.table.onOpen();
    t.frame(
      `{"id":${t.sent[0].id},"type":"error","msg":"attempted to access protected module","error_code":2,"code":500}`,
    );
    expect(t.table.pending).toBe(0);
    t.advance(150);
    t.table.sweep();
    expect(t.sent).toHaveLength(2);
  });

  it('counts a notify long after the success as a change, and access-denied keys as settled', () => {
    const t = setup(10);
    t.table.onOpen();
    t.table.setSlot('sys-1', 'Display', 1, 'mod-a', ['power']);
    t.table.setSlot('sys-1', '_Secret', 1, 'mod-s', ['x']);
    const [power, secret] = t.sent;
    t.frame(`{"id":${power.id},"type":"success"}`);
    t.advance(2_001);
    t.frame(`{"id":${power.id},"type":"notify","value":1,"meta":${t.meta(power)}}`);
    expect(t.changes.at(-1)).toMatchObject({ key: 'power', resync: false });
    expect(t.table.allBound).toBe(false);
    t.frame(`{"id":${secret.id},"type":"error","msg":"denied","error_code":2,"code":500}`);
    expect(t.table.denied).toBe(1);
    expect(t.table.allBound).toBe(true);
    t.advance(100);
    t.table.sweep();
    t.frame(`{"id":${t.sent[2].id},"type":"success"}`);
    expect(t.table.denied).toBe(0);
    expect(t.table.bound).toBe(2);
  });

  it('after a reconnect unbinds only keys already re-sent on the new socket', () => {
    const t = setup(1);
    t.table.onOpen();
    t.table.setSlot('sys-1', 'Display', 1, 'mod-a', ['a', 'b']);
    t.frame(`{"id":${t.sent[0].id},"type":"success"}`);
    t.frame(`{"id":${t.sent[1].id},"type":"success"}`);
    t.table.onClose();
    t.table.onOpen();
    expect(t.sent.map((s) => `${s.cmd}:${s.name}`)).toEqual(['bind:a', 'bind:b', 'bind:a']);
    t.table.removeSlot('sys-1|Display|1');
    expect(t.sent.slice(3).map((s) => `${s.cmd}:${s.name}`)).toEqual(['unbind:a']);
    expect(t.table.pending).toBe(0);
  });
});
