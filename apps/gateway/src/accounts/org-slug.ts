import type { OrgDto } from '@agentry/contracts';

/**
 * The org as the v2 document names it: `orgSlug` / `scriptOrgName` match
 * `^[a-z][a-z0-9-_]{1,48}[a-z0-9_]$`. Agentry's org names are free text, so the slug is derived
 * (lower case, other characters as `-`, padded or cut to fit); it is only ever displayed and
 * compared with what the caller's own org derives to, never used to find another org.
 */
export function orgSlugOf(org: Pick<OrgDto, 'name'>): string {
  let slug = org.name
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[^a-z]+/, '');
  slug = slug.slice(0, 49).replace(/-+$/, '');
  return (slug.length >= 2 ? slug : `org-${slug}`).padEnd(3, '_');
}
