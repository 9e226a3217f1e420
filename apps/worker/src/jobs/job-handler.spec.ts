import { JobName } from '@elegans/common';
import { Injectable } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import type { Job } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { JobRegistry, OnJob } from './job-handler';

@Injectable()
class ProcessOnly {
  @OnJob(JobName.ProcessDocument)
  async process(job: Job) {
    return { handled: job.name };
  }
}

@Injectable()
class TheRest {
  @OnJob(JobName.ReindexDocument)
  async reindex() {
    return 'reindex';
  }

  @OnJob(JobName.FinalizeBatch)
  async finalize() {
    return 'finalize';
  }
}

async function registryWith(...providers: (new () => object)[]): Promise<JobRegistry> {
  const mod = await Test.createTestingModule({
    imports: [DiscoveryModule],
    providers: [JobRegistry, ...providers],
  }).compile();
  const registry = mod.get(JobRegistry);
  registry.discover();
  return registry;
}

describe('JobRegistry', () => {
  it('refuses to validate when a job name has no handler, naming it', async () => {
    const registry = await registryWith(ProcessOnly);
    expect(() => registry.validate()).toThrow(/document\.reindex.*batch\.finalize|batch\.finalize.*document\.reindex/);
  });

  it('dispatches each job name to its decorated method', async () => {
    const registry = await registryWith(ProcessOnly, TheRest);
    expect(() => registry.validate()).not.toThrow();
    await expect(registry.get(JobName.ProcessDocument)({ name: 'document.process' } as Job)).resolves.toEqual({
      handled: 'document.process',
    });
    await expect(registry.get(JobName.FinalizeBatch)({} as Job)).resolves.toBe('finalize');
    expect(() => registry.get('unknown.job')).toThrow(/no handler/);
  });

  it('rejects two handlers for one job name', async () => {
    @Injectable()
    class Again {
      @OnJob(JobName.ProcessDocument)
      async again() {}
    }
    await expect(registryWith(ProcessOnly, Again)).rejects.toThrow(/more than one handler.*document\.process/);
  });
});
