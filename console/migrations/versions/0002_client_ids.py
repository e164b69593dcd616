"""client ids on pupils' requests and incidents: a retry is the same message

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 23:15:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("pupil_requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("client_id", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint("uq_pupil_requests_device_client", ["device_id", "client_id"])
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("client_id", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint("uq_incidents_source_client", ["source", "client_id"])


def downgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_constraint("uq_incidents_source_client", type_="unique")
        batch_op.drop_column("client_id")
    with op.batch_alter_table("pupil_requests", schema=None) as batch_op:
        batch_op.drop_constraint("uq_pupil_requests_device_client", type_="unique")
        batch_op.drop_column("client_id")
