"""The Litestar app factory: ``uvicorn api.app:create_app --factory``."""

from __future__ import annotations

import functools
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar
from litestar.channels import ChannelsPlugin
from litestar.channels.backends.redis import RedisChannelsPubSubBackend
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from redis.asyncio import Redis

from api.admin.controllers import AdminUsersController
from api.assessments.controllers import AssessmentsController, ProgressController
from api.comments.controllers import CommentsController, RecordingCommentsController
from api.links.controllers import RecordingLinksController, SharedController
from api.auth.controllers import AuthController
from api.auth.guards import current_user
from api.chapters.controllers import BlocksController, ChaptersController
from api.context import AppContext
from api.courses.controllers import CoursesController
from api.errors import handle_exception
from api.events.controllers import EventsController
from api.health.controllers import HealthController
from api.jobs.controllers import JobsController
from api.learning.controllers import AdminPlansController, MyLearningController
from api.library import AlbumsController, ArtistsController, GenresController, SongsController
from api.media.controllers import MediaController
from api.metrics import MetricsController
from api.middleware import RequestIdMiddleware
from api.notifications.controllers import NotificationsController
from api.notifications.settings import NotificationSettingsController
from api.openapi_errors import declare_error_responses
from api.ops.controllers import OpsController, OpsDashboardController
from api.pages.controllers import PagesController
from api.playlists.controllers import PlaylistsController
from api.recordings.controllers import RecordingsController
from api.relationships.controllers import RelationshipsController
from api.request_metrics import RequestMetrics
from api.search.controllers import SearchController
from api.social.controllers import SocialController
from api.quizzes import QuizzesController
from api.submissions import SubmissionsController
from api.users.controllers import UsersController
from api.webhooks.controllers import WebhooksController
from core.logging import configure_logging
from core.settings import Settings, load_settings
from storage.db import ReadDatabase, create_engine, create_session_factory
from storage.objects import create_object_store


@functools.cache  # once per process: the first app's startup is the process's (tests start many apps)
def freeze_long_lived_objects() -> None:
    """Move what startup built (~170,000 objects: routes, schemas, models, SQL) out of the cyclic
    collector's sight. A full collection walks every tracked object: ~100 ms with them, during
    which no request is served (the read path's p99 under load); a few ms without them. Objects
    are still freed by reference counting; ``bench/bench_reads.py`` measures the effect."""
    gc.collect()
    gc.freeze()


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or load_settings()
    configure_logging(settings.log_level, process="web")
    redis = Redis.from_url(settings.redis.url, socket_connect_timeout=2, socket_timeout=5, health_check_interval=30)
    holder: dict[str, AppContext] = {}

    @asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        engine = create_engine(settings.database)
        store = create_object_store(settings.storage)
        await store.ensure_ready()
        reads = await ReadDatabase.open(settings.database)
        holder["ctx"] = AppContext(
            settings=settings,
            engine=engine,
            sessions=create_session_factory(engine),
            redis=redis,
            store=store,
            reads=reads,
        )
        freeze_long_lived_objects()
        try:
            yield
        finally:
            await store.close()
            await engine.dispose()
            await reads.close()
            await redis.aclose()
            await pubsub_redis.aclose()

    # Pub/sub connections sit idle between events: no read timeout on this client.
    pubsub_redis = Redis.from_url(settings.redis.url, socket_connect_timeout=2)
    channels = ChannelsPlugin(
        backend=RedisChannelsPubSubBackend(redis=pubsub_redis),
        arbitrary_channels_allowed=True,
        create_ws_route_handlers=False,
        subscriber_max_backlog=1000,
    )
    app = Litestar(
        route_handlers=[
            HealthController,
            AuthController,
            UsersController,
            AdminUsersController,
            OpsController,
            OpsDashboardController,
            RecordingsController,
            RelationshipsController,
            SearchController,
            JobsController,
            NotificationsController,
            NotificationSettingsController,
            WebhooksController,
            PagesController,
            EventsController,
            MediaController,
            MetricsController,
            # review and feedback (DESIGN §9)
            RecordingCommentsController,
            CommentsController,
            AssessmentsController,
            ProgressController,
            RecordingLinksController,
            SharedController,
            CoursesController,
            ChaptersController,
            BlocksController,
            MyLearningController,
            AdminPlansController,
            GenresController,
            ArtistsController,
            AlbumsController,
            SongsController,
            PlaylistsController,
            SocialController,
            QuizzesController,
            SubmissionsController,
        ],
        dependencies={
            "ctx": Provide(lambda: holder["ctx"], sync_to_thread=False),
            "current_user": Provide(current_user),
        },
        lifespan=[lifespan],
        plugins=[channels],
        middleware=[RequestMetrics],
        exception_handlers={Exception: handle_exception},
        openapi_config=OpenAPIConfig(
            title="Cadenza API",
            version="1.0.0",
            path="/schema",
            render_plugins=[SwaggerRenderPlugin()],
            components=Components(
                security_schemes={"BearerToken": SecurityScheme(type="http", scheme="bearer", bearer_format="JWT")}
            ),
            security=[{"BearerToken": []}],
        ),
        logging_config=None,  # core.logging owns the handlers: JSON lines with the request id
        debug=False,
    )
    declare_error_responses(app)
    # Wrap the whole handler, not each route: the router's own 404/405 answers carry the id too.
    app.asgi_handler = RequestIdMiddleware(app.asgi_handler)
    return app
