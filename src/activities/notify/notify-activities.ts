import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Metrics } from '../../metrics/metrics.js';
import { deliverOnce, type DeliveryOutcome } from '../../telegram/deliver-once.js';
import type { TelegramSettings } from '../../telegram/send-message.js';
import {
  type ComposeDeps,
  composeNotices,
  type MessageKind,
  type Notice,
  type NotifyRequest,
} from './compose-notices.js';

export type { NotifyRequest } from './compose-notices.js';

export interface NotifyDeps extends ComposeDeps {
  telegram: TelegramSettings & { notifyChats: Record<string, number | string> };
  metrics?: Metrics;
}

/** Per message: which branch's chat, about what, and what became of it. No text, no personal data. */
export interface NotifyResult {
  messages: { branch: string; kind: MessageKind; outcome: DeliveryOutcome | 'no chat' | 'no bot' }[];
}

/** Tells branch chats about events that need a person, each message at most once. */
export function createNotifyActivities(deps: NotifyDeps) {
  return {
    /**
     * The messages an event calls for (see composeNotices), each sent at most once per
     * event run, kind and chat however often this activity is retried: the delivery key is
     * the workflow run's, so only a new run of the event (after the dedup window) tells again.
     */
    async notifyBranch(request: NotifyRequest): Promise<NotifyResult> {
      const run = Context.current().info.workflowExecution;
      if (!run) throw ApplicationFailure.nonRetryable('notifyBranch keys its messages by workflow run');
      const { workflowId, runId } = run;
      const messages: NotifyResult['messages'] = [];
      for (const notice of await composeNotices(deps, request)) {
        const outcome = await deliver(deps, notice, `event:${workflowId}:${runId}:${notice.kind}`);
        messages.push({ branch: notice.branch, kind: notice.kind, outcome });
      }
      return { messages };
    },
  };
}

async function deliver(
  deps: NotifyDeps,
  notice: Notice,
  key: string,
): Promise<NotifyResult['messages'][number]['outcome']> {
  const chatId = deps.telegram.notifyChats[notice.branch];
  if (!deps.telegram.botToken) return 'no bot';
  if (chatId === undefined) return 'no chat';
  try {
    const outcome = await deliverOnce(deps.db, deps.telegram, { key, chatId, text: notice.text });
    deps.metrics?.telegramDelivery('notification', outcome === 'already sent' ? 'already_sent' : outcome);
    return outcome;
  } catch (err) {
    deps.metrics?.telegramDelivery('notification', 'failed');
    throw err;
  }
}

export type NotifyActivities = ReturnType<typeof createNotifyActivities>;
