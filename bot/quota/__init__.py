"""Department quotas: limits per period, reserved before a call and settled after it."""
