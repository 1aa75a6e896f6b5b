import { Module } from '@nestjs/common';
import { OpenApiController } from './openapi.controller.js';
import { RegisteredRoutes } from './registered-routes.js';

/** The OpenAPI document, its reference page, and the ledger of registered routes its test reads. */
@Module({ controllers: [OpenApiController], providers: [RegisteredRoutes], exports: [RegisteredRoutes] })
export class OpenApiHttpModule {}
