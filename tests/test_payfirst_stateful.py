"""Hypothesis, stateful: pay-first sales, failed purchases, reconciles and refunds in any order.

Invariants: never a purchase without a completed payment; every completed payment either
bought its product or sits in the refund queue (or has been refunded).
"""

from __future__ import annotations

import asyncio
import dataclasses
import tempfile
from pathlib import Path

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from kiosk.flows.autopilot import run_unattended
from kiosk.flows.payment_ops import refund
from kiosk.journal import State
from kiosk.sandbox.app import Sandbox
from kiosk.services import build_services
from kiosk.settings import Settings

PAYERS = {"complete": "0701345672", "failed": "0700000001", "cancelled": "0700000002"}
PAID = {State.SUCCESS, State.AWAIT_REFUND, State.REFUNDED}


class PayFirst(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.tmp = tempfile.TemporaryDirectory()
        self.sandbox = Sandbox()
        self.sandbox.ugmart.collection_delay = 0
        self.services = build_services(Settings(data_dir=Path(self.tmp.name)), sandbox=self.sandbox)

    def teardown(self) -> None:
        self.loop.run_until_complete(self.services.aclose())
        self.loop.close()
        self.tmp.cleanup()

    @property
    def journal(self):
        return self.services.journal

    @rule(
        payer=st.sampled_from(sorted(PAYERS)),
        float_ok=st.booleans(),
        amount=st.integers(500, 20_000),
    )
    def sell(self, payer: str, float_ok: bool, amount: int) -> None:
        self.sandbox.ugmart.set_balance(self.services.account_code, "UGX", 10**9 if float_ok else 0)

        async def sale() -> None:
            product = next(p for p in await self.services.ugmart.products() if p.code == "MTN")
            run = self.services.new_sale(product)
            run.config = dataclasses.replace(run.config, poll_interval=0.01, payment_timeout=2)
            answers = {
                "msisdn": "0777044237",
                "amount": str(amount),
                "confirm": "momo",
                "pay_provider": "airtel_money",
                "pay_msisdn": PAYERS[payer],
            }
            await run_unattended(run, answers)

        self.loop.run_until_complete(sale())

    @rule()
    def reconcile(self) -> None:
        self.loop.run_until_complete(self.services.reconcile())

    @rule()
    def pay_refunds(self) -> None:
        self.sandbox.ugmart.set_balance(self.services.account_code, "UGX", 10**9)
        for owed in self.journal.entries(states=[State.AWAIT_REFUND]):
            self.loop.run_until_complete(
                refund(self.services.ugmart, self.journal, self.services.account_code, owed, "X")
            )

    @invariant()
    def never_a_purchase_without_a_completed_payment(self) -> None:
        for charged in self.sandbox.ugmart.purchases:
            sale = self.journal.get(charged.request["transaction_id"])
            assert sale is not None and sale.parent_id is not None
            payment = self.journal.get(sale.parent_id)
            assert payment is not None and payment.state in PAID

    @invariant()
    def every_completed_payment_bought_or_is_owed(self) -> None:
        for payment in self.journal.entries(kinds=["collection"], limit=1000):
            if payment.state not in PAID:
                continue
            bought = [
                c
                for c in self.journal.children(payment.transaction_id)
                if c.kind == "purchase" and c.state is State.SUCCESS
            ]
            if payment.state is State.SUCCESS:
                assert len(bought) == 1, payment
            else:
                assert bought == [], payment


PayFirst.TestCase.settings = settings(max_examples=12, stateful_step_count=6, deadline=None)
TestPayFirst = PayFirst.TestCase
