"""Case amendments (revision) and facts a victim may not know (amount, date, bank).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0002'
down_revision: Union[str, Sequence[str], None] = '0001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('cases') as batch:
        batch.add_column(sa.Column('revision', sa.Integer(), server_default='1',
                                   nullable=False))
    with op.batch_alter_table('destinations') as batch:
        batch.alter_column('bank_code', existing_type=sa.String(length=3), nullable=True)
    with op.batch_alter_table('freeze_requests') as batch:
        batch.alter_column('bank_code', existing_type=sa.String(length=3), nullable=True)
        batch.alter_column('requested_satang', existing_type=sa.BigInteger(), nullable=True)
    with op.batch_alter_table('transfers') as batch:
        batch.alter_column('to_bank_code', existing_type=sa.String(length=3), nullable=True)
        batch.alter_column('transfer_date', existing_type=sa.String(length=10), nullable=True)
        batch.alter_column('transfer_satang', existing_type=sa.BigInteger(), nullable=True)


def downgrade() -> None:
    with op.batch_alter_table('transfers') as batch:
        batch.alter_column('transfer_satang', existing_type=sa.BigInteger(), nullable=False)
        batch.alter_column('transfer_date', existing_type=sa.String(length=10), nullable=False)
        batch.alter_column('to_bank_code', existing_type=sa.String(length=3), nullable=False)
    with op.batch_alter_table('freeze_requests') as batch:
        batch.alter_column('requested_satang', existing_type=sa.BigInteger(), nullable=False)
        batch.alter_column('bank_code', existing_type=sa.String(length=3), nullable=False)
    with op.batch_alter_table('destinations') as batch:
        batch.alter_column('bank_code', existing_type=sa.String(length=3), nullable=False)
    with op.batch_alter_table('cases') as batch:
        batch.drop_column('revision')
