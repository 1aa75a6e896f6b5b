// Placeholder written by the lead so the gateway builds; the scripts feature replaces it.
import { Module } from '@nestjs/common';

@Module({})
export class ScriptsHttpModule {}
