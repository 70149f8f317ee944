// What the global setups hand to the test files (vitest `provide` / `inject`).
declare module 'vitest' {
  export interface ProvidedContext {
    workflowBundlePath: string;
    testServerLauncher: string;
    temporalAddress: string;
    mongoUrl: string;
  }
}
export {};
