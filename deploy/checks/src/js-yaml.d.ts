// The one function of js-yaml 4 the checks use (its package ships no types; @types/js-yaml
// would be a dependency for one signature).
declare module 'js-yaml' {
  export function loadAll(text: string): unknown[];
}
