"""The two checks the contract modules share: the field error that bad input raises (the message
beside the field, on the page and in the API), and the rule that only a workspace's managers and
owners send and sign contracts. Sending (`briefs.contracts.services`), signing
(`briefs.contracts.signing`) and verification (`briefs.contracts.verification`) import them from here."""

from accounts.models import User
from accounts.selectors import has_workspace_role
from briefs.errors import ContractError, ContractErrorCode, ContractPermissionError


def invalid(field: str, message: str, code: ContractErrorCode = ContractErrorCode.INVALID) -> ContractError:
    return ContractError(message, code=code, fields={field: [message]})


def require_manager(*, workspace_id: int, user: User) -> None:
    if not has_workspace_role(workspace_id=workspace_id, user=user):
        raise ContractPermissionError(
            "Only the workspace's managers and owners send and sign contracts.", code=ContractErrorCode.ROLE_REQUIRED
        )
