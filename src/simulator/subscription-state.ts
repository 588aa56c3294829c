export interface PushSubscription {
  id: number;
  resource_state: 2;
  application_id: number;
  callback_url: string;
  created_at: string;
  updated_at: string;
}

/** The application's single push subscription. */
export class SubscriptionState {
  current: PushSubscription | null = null;
  private nextId = 120_000;
  validationTimeoutMs = 2000;

  create(applicationId: number, callbackUrl: string): PushSubscription {
    const now = new Date().toISOString();
    this.current = { id: this.nextId++, resource_state: 2, application_id: applicationId, callback_url: callbackUrl, created_at: now, updated_at: now };
    return this.current;
  }
}
