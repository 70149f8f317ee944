/** The raw-Temporal baseline: a workflow that does nothing but complete. */
export async function trivialWorkflow(index: number): Promise<number> {
  return index;
}
