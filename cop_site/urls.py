from pathlib import Path

from django.conf import settings
from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from events import views as events_views


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("django-admin/", admin.site.urls),
    path("cms/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("members/", include("members.urls")),
    path("events/", include("events.urls")),
    path("certificates/", include("learning.urls")),
    path("guidelines/", include("guidelines.urls")),
    path("forums/", include("forums.urls")),
    path("evaluation/", include("evaluation.urls")),
    path("search/", include("search.urls")),
    path("returns/", include("returns.urls")),
    path("sessions/<int:pk>/live/", events_views.live_room, name="live_room"),
    path("sessions/<int:pk>/transcript.txt", events_views.transcript, name="live_transcript"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    # Images only: documents go through Wagtail's serve view, which checks who may see them.
    for folder in ("images", "original_images"):
        urlpatterns += static(
            f"{settings.MEDIA_URL}{folder}/", document_root=Path(settings.MEDIA_ROOT) / folder
        )

# Wagtail's page serving catches everything else, so it comes last.
urlpatterns += [path("", include(wagtail_urls))]
