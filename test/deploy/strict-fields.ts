import { join } from 'node:path';
import ts from 'typescript';
import { kindModel } from './kube-models';
import type { KubeObject } from './kustomize-lite';

/**
 * kubernetes-models' schema validation ignores fields it does not know, so a misspelt field
 * (`readOnlyRootFileSystem`) would pass it and then be rejected by the API server's strict
 * field validation, or silently dropped by an older one. This check types every object as its
 * kubernetes-models interface in a TypeScript program: an unknown field anywhere in the object
 * is an excess-property error, reported with the object it belongs to.
 */
export function unknownFieldProblems(objects: KubeObject[]): string[] {
  const typed = objects.filter((object) => kindModel(object));
  const lines = typed.map((object, i) => {
    const { module, type } = kindModel(object)!;
    return `import type { ${type} as T${i} } from '${module}';\nexport const o${i}: T${i} = ${JSON.stringify(object)};`;
  });
  const diagnostics = typeCheck(lines.join('\n'));
  return diagnostics.map(({ line, message }) => {
    const object = line === undefined ? undefined : typed[Math.floor(line / 2)];
    return `${object ? `${object.kind}/${object.metadata.name}` : 'TypeScript'}: ${message}`;
  });
}

/** Inside the repository, so that `kubernetes-models` resolves from its node_modules. */
const VIRTUAL_FILE = join(__dirname, '__manifest-types__.mts');
const OPTIONS: ts.CompilerOptions = {
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  target: ts.ScriptTarget.ES2022,
  lib: ['lib.es2022.d.ts'],
  types: [],
  strict: true,
  noEmit: true,
  skipLibCheck: true,
};
const declarationCache = new Map<string, ts.SourceFile | undefined>();

function typeCheck(source: string): { line?: number; message: string }[] {
  const host = ts.createCompilerHost(OPTIONS);
  const readDeclaration = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion) => {
    if (fileName === VIRTUAL_FILE) return ts.createSourceFile(fileName, source, languageVersion);
    if (!declarationCache.has(fileName)) {
      declarationCache.set(fileName, readDeclaration(fileName, languageVersion));
    }
    return declarationCache.get(fileName);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (fileName) => fileName === VIRTUAL_FILE || fileExists(fileName);
  const program = ts.createProgram([VIRTUAL_FILE], OPTIONS, host);
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => ({
    line:
      diagnostic.file?.fileName === VIRTUAL_FILE && diagnostic.start !== undefined
        ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line
        : undefined,
    message: ts.flattenDiagnosticMessageText(diagnostic.messageText, ' '),
  }));
}
