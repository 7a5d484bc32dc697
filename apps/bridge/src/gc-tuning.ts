import { setFlagsFromString } from 'node:v8';

// Measured (bench:bridge, 100k keys): during the first sync V8 sees the rxjs/Nest objects of
// each event survive while 100k notifies queue up, marks their allocation sites "pretenured",
// and from then on allocates every event's short-lived objects straight into old space. Old
// space then fills with garbage only a full mark-compact reclaims, and the heap grows to
// ~370 MB around an ~80 MB live set. Turning pretenuring off keeps that garbage in the young
// generation (peak RSS 466 -> 378 MB uncapped, and the sync is faster). It must run before the
// first event, which is why main.ts imports this module first.
setFlagsFromString('--no-allocation-site-pretenuring');
