// Placeholder written by the lead so the gateway builds; the accounts feature replaces it.
import { Module } from '@nestjs/common';

@Module({})
export class AccountsHttpModule {}
