import 'reflect-metadata';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A row of the demo table `student` — the classic example of the original groupcache demo, served by the
 * group `scores` (name → score). The table itself is created by `ensureDemoData`, not by TypeORM's
 * synchronize, so this entity only has to match it.
 */
@Entity({ name: 'student' })
export class Student {
  @PrimaryGeneratedColumn({ type: 'int' })
  id!: number;

  @Column({ type: 'varchar', length: 64, unique: true })
  name!: string;

  @Column({ type: 'int' })
  score!: number;
}
