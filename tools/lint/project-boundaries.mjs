// Module boundaries between the workspace projects, checked by ESLint.
//
// The projects are the npm workspaces; each one's layer is given by Nx project tags ("nx": { "tags" } in its
// package.json, so `nx show projects --projects tag:type:lib` lists them), and the constraints below have the
// shape of @nx/enforce-module-boundaries' depConstraints. That rule itself is not used: @nx/eslint-plugin has no
// release of nx's major (24) in the registry, and outside `nx lint` it silently skips itself when no project
// graph has been cached. This rule needs no graph: it reads the import, resolves workspace package names and
// relative paths to a project, and checks the tags. An import with `import type` (or only type specifiers) is
// erased by the compiler and only counts where a constraint allows types.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';

/** The workspace projects: package name, absolute root and Nx tags. */
export function readWorkspaceProjects(workspaceRoot) {
  const { workspaces } = JSON.parse(readFileSync(join(workspaceRoot, 'package.json'), 'utf8'));
  const roots = workspaces.flatMap((pattern) =>
    pattern.endsWith('/*')
      ? readdirSync(join(workspaceRoot, pattern.slice(0, -2)), { withFileTypes: true })
          .filter((entry) => entry.isDirectory())
          .map((entry) => join(workspaceRoot, pattern.slice(0, -2), entry.name))
      : [join(workspaceRoot, pattern)],
  );
  return roots
    .filter((root) => existsSync(join(root, 'package.json')))
    .map((root) => {
      const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
      return { name: manifest.name, root, tags: manifest.nx?.tags ?? [] };
    });
}

const hasAny = (tags, wanted) => wanted.includes('*') || tags.some((tag) => wanted.includes(tag));

/** Why `source` may not import `target` (typeOnly: the import is erased), or null when it may. */
export function boundaryProblem(source, target, typeOnly, depConstraints) {
  for (const constraint of depConstraints) {
    if (!source.tags.includes(constraint.sourceTag)) continue;
    if (constraint.notDependOnLibsWithTags && hasAny(target.tags, constraint.notDependOnLibsWithTags)) {
      return `'${source.name}' (${constraint.sourceTag}) must not depend on projects tagged ${constraint.notDependOnLibsWithTags.join(', ')}`;
    }
    const allowed = constraint.onlyDependOnLibsWithTags;
    if (!allowed || hasAny(target.tags, allowed)) continue;
    if (typeOnly && hasAny(target.tags, constraint.typeOnlyDependOnLibsWithTags ?? [])) continue;
    const types = constraint.typeOnlyDependOnLibsWithTags ? `; types only (import type) from ${constraint.typeOnlyDependOnLibsWithTags.join(', ')}` : '';
    return `'${source.name}' (${constraint.sourceTag}) may only depend on projects tagged ${allowed.join(', ') || '(none)'}${types}`;
  }
  return null;
}

const isTypeOnly = (node) =>
  node.importKind === 'type' ||
  node.exportKind === 'type' ||
  (node.specifiers?.length > 0 && node.specifiers.every((s) => s.importKind === 'type' || s.exportKind === 'type'));

/** @type {import('eslint').Rule.RuleModule} */
export const projectBoundariesRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Workspace projects import each other only along the layering given by their Nx tags.' },
    schema: [{ type: 'object', properties: { workspaceRoot: { type: 'string' }, depConstraints: { type: 'array' } }, additionalProperties: false }],
    messages: {
      forbidden: "Import of '{{target}}' crosses a module boundary: {{why}}.",
      relative: "Import '{{specifier}}' reaches into project '{{target}}' by a relative path: import it by its package name.",
    },
  },
  create(context) {
    const { workspaceRoot, depConstraints } = context.options[0];
    const projects = projectsOf(workspaceRoot);
    const owner = (file) =>
      projects
        .filter((project) => file === project.root || file.startsWith(project.root + sep))
        .sort((a, b) => b.root.length - a.root.length)[0];
    const source = owner(context.filename);
    if (!source) return {};

    const check = (node, sourceNode, typeOnly) => {
      if (typeof sourceNode?.value !== 'string') return;
      const specifier = sourceNode.value;
      const relative = specifier.startsWith('.');
      const target = relative
        ? owner(resolve(dirname(context.filename), specifier))
        : projects.find((project) => specifier === project.name || specifier.startsWith(project.name + '/'));
      if (!target || target === source) return;
      const why = boundaryProblem(source, target, typeOnly, depConstraints);
      if (why) context.report({ node: sourceNode, messageId: 'forbidden', data: { target: target.name, why } });
      else if (relative) context.report({ node: sourceNode, messageId: 'relative', data: { specifier, target: target.name } });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source, isTypeOnly(node)),
      ExportNamedDeclaration: (node) => check(node, node.source, isTypeOnly(node)),
      ExportAllDeclaration: (node) => check(node, node.source, node.exportKind === 'type'),
      ImportExpression: (node) => check(node, node.source, false),
    };
  },
};

const projectCache = new Map();
function projectsOf(workspaceRoot) {
  if (!projectCache.has(workspaceRoot)) projectCache.set(workspaceRoot, readWorkspaceProjects(workspaceRoot));
  return projectCache.get(workspaceRoot);
}
