/** The anchor of a workload's section: its name is one of the lab's, but the id is built to be safe whatever it is. */
export const sectionId = (mode: 'closed' | 'open', name: string): string => `${mode === 'open' ? 'open' : 'w'}-${name.replace(/[^a-z0-9-]/gi, '_')}`;
