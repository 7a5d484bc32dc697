import { stateTopicLevelCount } from '@app/topics';

/**
 * The topic filter one finding is filed under: a canonical topic with the levels that name a
 * place generalised to `+`, so a leak through the same key of the same kind of module is one
 * finding whichever room it happens in.
 *
 * - State `placeos/<org>/state/<zones…>/<sys>/<drv>/<mod>/<idx>/<key>`: the zone levels, the
 *   system and the module index become `+`; the org, the driver, the module name and the key
 *   stay (they say what kind of data leaks, and a rule can select exactly that).
 * - Metadata `placeos/<org>/metadata/<id>`: the model id becomes `+`.
 * - Anything else (the bridge publishes nothing else): `placeos/<org>/#`.
 */
export function generaliseTopic(canonicalTopic: string, hierarchyLength: number): string {
  const levels = canonicalTopic.split('/');
  const [root, org = '+', kind] = levels;
  if (kind === 'metadata' && levels.length === 4) return `${root}/${org}/metadata/+`;
  if (kind === 'state' && levels.length === stateTopicLevelCount(hierarchyLength)) {
    const tail = levels.length - 5;
    return levels
      .map((level, i) => {
        if (i < 3) return level;
        if (i < tail) return '+'; // zone levels after the org
        if (i === tail || i === tail + 3) return '+'; // system, module index
        return level; // driver, module name, key
      })
      .join('/');
  }
  return `${root}/${org}/#`;
}
