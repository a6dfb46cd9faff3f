/** The owner mark a collector adds to each group it pushes (collectors/ownership.ts), as text. */
export function ownerMark(stage: string, schedules = 'main'): string {
  return `collector_group_owner_info{stage="${stage}",schedules="${schedules}"} 1\n`;
}
