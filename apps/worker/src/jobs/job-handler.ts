import { JobName, type JobPayloads } from '@elegans/common';
import { Injectable, SetMetadata } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import type { Job } from 'bullmq';

const ON_JOB = 'elegans:on-job';

/** Marks a service method as the handler of one job name (immich's @OnJob pattern). */
export const OnJob = (name: JobName) => SetMetadata(ON_JOB, name);

export type JobHandler<N extends JobName = JobName> = (job: Job<JobPayloads[N]>) => Promise<unknown>;

/**
 * Collects @OnJob handlers from every provider. `validate()` runs before any worker starts: a
 * JobName without a handler (or with two) stops the process, rather than jobs failing at runtime.
 */
@Injectable()
export class JobRegistry {
  private readonly handlers = new Map<JobName, JobHandler>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {}

  discover(): void {
    this.handlers.clear();
    const duplicates: string[] = [];
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object') continue;
      const proto = Object.getPrototypeOf(instance) as object;
      for (const method of this.scanner.getAllMethodNames(proto)) {
        const fn = instance[method];
        if (typeof fn !== 'function') continue;
        const name = Reflect.getMetadata(ON_JOB, fn) as JobName | undefined;
        if (!name) continue;
        if (this.handlers.has(name)) duplicates.push(name);
        this.handlers.set(name, (fn as JobHandler).bind(instance));
      }
    }
    if (duplicates.length) throw new Error(`more than one handler for job(s): ${duplicates.join(', ')}`);
  }

  validate(names: readonly JobName[] = Object.values(JobName)): void {
    const missing = names.filter((n) => !this.handlers.has(n));
    if (missing.length) throw new Error(`no handler registered for job(s): ${missing.join(', ')}`);
  }

  get(name: string): JobHandler {
    const h = this.handlers.get(name as JobName);
    if (!h) throw new Error(`no handler registered for job ${name}`);
    return h;
  }
}
