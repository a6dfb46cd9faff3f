import { resolveEstatsInvocation } from '../../../src/config/estats';
import { refusalText } from '../../helpers/refusal';

describe('an eStats invocation without a schedule', () => {
  it('says where schedules come from, and never to edit serverless.yml', () => {
    // Prepare: `serverless invoke local -f estats` with no event, and no ESTATS_SCHEDULE.
    const text = refusalText(() => resolveEstatsInvocation({}, {}));

    // Assess
    expect(text).toContain(
      'no eStats targets: the event has no "schedule" or "targets" and ESTATS_SCHEDULE is not set',
    );
    expect(text).toContain('under "estats:" in the stage file (config/<stage>.yml)');
    expect(text).toContain('serverless invoke local -p event.json');
    expect(text).not.toContain('serverless.yml');
  });

  it('reads the schedule an event carries, as packaging writes it', () => {
    const { schedule } = resolveEstatsInvocation(
      { time: '2026-12-05T10:00:00Z', schedule: { name: 'cdn', targets: [{ cpCode: 7 }] } },
      {},
    );
    expect(schedule).toMatchObject({ name: 'cdn', targets: [{ cpCode: 7 }] });
  });
});
