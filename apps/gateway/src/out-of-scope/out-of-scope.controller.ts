import { All, Controller, Module, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { DomainError, ErrorCode } from '@agentry/contracts';

/**
 * The v2 document's groups Agentry deliberately does not provide. A client calling them gets a 501
 * saying so, not a 404 that reads like a typo or a missing deployment. Keys are still checked first
 * (the global guard), so the answer reveals nothing to an anonymous caller.
 */
export const OUT_OF_SCOPE: Record<string, string> = {
  'org-storage': 'org storage (leads, lists, companies)',
  identities: 'identities',
  ai: 'AI completions',
  hcaptcha: 'captcha solving',
  recaptcha: 'captcha solving',
  location: 'IP location',
  brightdata: 'search-engine results',
  'orgs/fetch-crm-access': 'CRM integrations',
  'orgs/fetch-crm-resources': 'CRM integrations',
  'orgs/save-crm-contact': 'CRM integrations',
};

function refuse(request: FastifyRequest): never {
  const path = (request.url.split('?')[0] ?? '').replace(/^\/api\/v2\//, '');
  const group = Object.keys(OUT_OF_SCOPE).find((prefix) => path === prefix || path.startsWith(`${prefix}/`));
  const what = group ? OUT_OF_SCOPE[group] : 'this operation';
  throw new DomainError(ErrorCode.NOT_IMPLEMENTED, `${what} is not part of Agentry (PhantomBuster's ${group ?? path} API is out of scope)`);
}

@Controller('api/v2')
export class OutOfScopeV2Controller {
  @All(['org-storage/*', 'identities/*', 'ai/*', 'location/*', 'brightdata/*'])
  group(@Req() request: FastifyRequest): never {
    refuse(request);
  }

  @All(['hcaptcha', 'recaptcha', 'orgs/fetch-crm-access', 'orgs/fetch-crm-resources', 'orgs/save-crm-contact'])
  operation(@Req() request: FastifyRequest): never {
    refuse(request);
  }
}

@Module({ controllers: [OutOfScopeV2Controller] })
export class OutOfScopeHttpModule {}
