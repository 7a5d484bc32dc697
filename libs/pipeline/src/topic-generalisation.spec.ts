import { describe, expect, it } from 'vitest';
import { generaliseTopic } from './topic-generalisation';

describe('generaliseTopic', () => {
  it('keeps org, driver, module name and key of a state topic; the place levels become +', () => {
    expect(
      generaliseTopic(
        'placeos/zone-Org1/state/zone-HQ/zone-L3/zone-East/sys-Room1/driver-Bkg/Bookings/2/current',
        4,
      ),
    ).toBe('placeos/zone-Org1/state/+/+/+/+/driver-Bkg/Bookings/+/current');
  });

  it('follows the hierarchy length', () => {
    expect(generaliseTopic('placeos/org/state/sys-1/drv/Display/1/power', 1)).toBe(
      'placeos/org/state/+/drv/Display/+/power',
    );
    expect(generaliseTopic('placeos/org/state/_/sys-1/drv/A%2FV/3/input', 2)).toBe(
      'placeos/org/state/+/+/drv/A%2FV/+/input',
    );
  });

  it('gives two rooms of the same kind one filter, and a different key another', () => {
    const a = generaliseTopic('placeos/o/state/b1/l1/a1/sys-1/drv/Bookings/1/current', 4);
    const b = generaliseTopic('placeos/o/state/b2/_/_/sys-9/drv/Bookings/3/current', 4);
    const c = generaliseTopic('placeos/o/state/b2/_/_/sys-9/drv/Bookings/3/next', 4);
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  it('generalises the model id of a metadata topic, and anything unexpected below the org', () => {
    expect(generaliseTopic('placeos/zone-Org1/metadata/sys-Room1', 4)).toBe(
      'placeos/zone-Org1/metadata/+',
    );
    expect(generaliseTopic('placeos/zone-Org1/state/too/short', 4)).toBe('placeos/zone-Org1/#');
    expect(generaliseTopic('placeos', 4)).toBe('placeos/+/#');
  });
});
