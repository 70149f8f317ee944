import { DefaultLogger, bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { fileURLToPath } from 'node:url';

// Same depth from src/ and dist/: apps/worker/{src,dist} → workflows/.
const workflowsRoot = fileURLToPath(new URL('../../../workflows/', import.meta.url));

/**
 * Bundles the workflow code. `fromSource` resolves workspace packages to their TypeScript sources
 * (tests, dev); otherwise to their built `dist` (production).
 */
export async function bundleWorkflows({ fromSource }: { fromSource: boolean }): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({
    workflowsPath: workflowsRoot + (fromSource ? 'src/index.ts' : 'dist/index.js'),
    logger: new DefaultLogger('WARN'),
    // Evaluated once per worker and shared by every cached workflow, instead of once per workflow: both are pure
    // (no module-level state; the SDK deep-freezes what it shares), and the domain's rule tables are the bulk of what
    // a cached workflow held. Measured with the footprint benchmark (docs/decisions.md).
    preloadModules: ['@duban/domain', '@duban/contracts'],
    webpackConfigHook: (config) => {
      if (fromSource) config.resolve = { ...config.resolve, conditionNames: ['source', '...'] };
      return config;
    },
  });
}
