"""Every table of the product, for Alembic and for the tests that compare models to migrations."""

from sqlmodel import SQLModel

import core.broadcasts.models
import core.campaigns.models
import core.commendations.models
import core.emulation.block_models
import core.emulation.models
import core.emulation.review_models
import core.emulation.title_models
import core.emulation.total_models
import core.groups.models
import core.initiatives.models
import core.linking.models
import core.members.models
import core.organisation.models
import core.points.models
import core.quizzes.models
import core.storage.models
import core.websignin.models  # noqa: F401

metadata = SQLModel.metadata
