/** A module as core sees it when it builds the `system/<sys_id>` lookup. */
export interface SlotModule {
  id: string;
  resolvedName: string;
}

/**
 * Maps `"<ResolvedName>/<index>"` to a module id the way PlaceOS core does
 * (`mappings/control_system_modules.cr`): group the system's `modules` in array order by resolved name
 * and number each group from 1.
 */
export function computeModuleSlots(modules: readonly SlotModule[]): Map<string, string> {
  const counts = new Map<string, number>();
  const slots = new Map<string, string>();
  for (const mod of modules) {
    const index = (counts.get(mod.resolvedName) ?? 0) + 1;
    counts.set(mod.resolvedName, index);
    slots.set(slotKey(mod.resolvedName, index), mod.id);
  }
  return slots;
}

/** The lookup field for a module name and 1-based index. */
export function slotKey(name: string, index: number): string {
  return `${name}/${index}`;
}

/** Result of splitting a `Display_2` style slug. */
export type ModuleSlug = { ok: true; name: string; index: number } | { ok: false; error: string };

/**
 * Splits a module slug at the last `_` like `RemoteDriver.get_parts`: no `_` means index 1, and a
 * suffix that is not an integer is an error (Crystal's `to_i` raises).
 */
export function parseModuleSlug(slug: string): ModuleSlug {
  const at = slug.lastIndexOf('_');
  if (at < 0) return { ok: true, name: slug, index: 1 };
  const suffix = slug.slice(at + 1);
  if (!/^[+-]?\d{1,10}$/.test(suffix) || Math.abs(Number(suffix)) > 2147483647) {
    return { ok: false, error: `Invalid Int32: ${JSON.stringify(suffix)}` };
  }
  return { ok: true, name: slug.slice(0, at), index: Number(suffix) };
}
