"""One-time codes: linking a second messenger, claiming an officer account, officer invites."""

from core.linking.chat import routers
from core.linking.models import CodePurpose
from core.linking.service import issue, link_identity, redeem_officer

__all__ = ["CodePurpose", "issue", "link_identity", "redeem_officer", "routers"]
