"""The demo data set's sign-in accounts, one per role (printed by `tuishou serve`)."""

from __future__ import annotations

from dataclasses import dataclass

DEMO_PASSWORD = "tuishou-demo"


@dataclass(frozen=True)
class DemoAccount:
    role: str
    username: str
    phone: str
    display_name: str

    @property
    def login(self) -> str:
        return self.phone


DEMO_ACCOUNTS = [
    DemoAccount("operator (admin)", "ops_admin", "13800000001", "平台管理员"),
    DemoAccount("operator (finance)", "ops_finance", "13800000002", "财务小周"),
    DemoAccount("operator (service)", "ops_service", "13800000003", "客服小林"),
    DemoAccount("merchant staff", "merchant_demo", "13800000010", "山野优品·王店长"),
    DemoAccount("agency staff", "agency_demo", "13800000020", "星火社群·陈老师"),
    DemoAccount("promoter (mentor)", "promoter_mentor", "13800000030", "李娜"),
    DemoAccount("promoter", "promoter_demo", "13800000031", "张悦"),
    DemoAccount("promoter (temporary, to choose a community)", "promoter_new", "13800000032", "王小新"),
    DemoAccount("consumer", "consumer_demo", "13800000040", "刘洋"),
]
