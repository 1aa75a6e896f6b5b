import { Injectable } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';
import { UserRow } from './entities.js';

/** Reads users from the accounts read model. */
@Injectable()
export class UsersLookup {
  private readonly rows: Repository<UserRow>;

  constructor(dataSource: DataSource) {
    this.rows = dataSource.getRepository(UserRow);
  }

  find(userId: number): Promise<UserRow | null> {
    return this.rows.findOne({ where: { id: userId } });
  }
}
