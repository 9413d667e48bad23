from django.urls import URLPattern, URLResolver, path

from creators.workspace import views as workspace_views

urlpatterns: list[URLPattern | URLResolver] = [
    # The profile's cards (htmx, or plain form posts that come back to the profile).
    path("<int:creator_pk>/notes/", workspace_views.note_add, name="note-add"),
    path("notes/<int:creator_note_pk>/delete/", workspace_views.note_delete, name="note-delete"),
    path("<int:creator_pk>/tags/", workspace_views.tag_add, name="tag-add"),
    path("<int:creator_pk>/tags/<int:tag_pk>/remove/", workspace_views.tag_remove, name="tag-remove"),
    path("<int:creator_pk>/relationship/", workspace_views.relationship_set, name="relationship-set"),
    path("<int:creator_pk>/contact/", workspace_views.contact_set, name="contact-set"),
    path("<int:creator_pk>/lists/", workspace_views.creator_list_add, name="creator-list-add"),
    path(
        "<int:creator_pk>/lists/<int:creator_list_pk>/remove/",
        workspace_views.creator_list_remove,
        name="creator-list-remove",
    ),
    # Shortlists and tags of the workspace.
    path("lists/", workspace_views.list_index, name="list-index"),
    path("lists/<int:creator_list_pk>/", workspace_views.list_detail, name="list-detail"),
    path("lists/<int:creator_list_pk>/edit/", workspace_views.list_update, name="list-update"),
    path("lists/<int:creator_list_pk>/delete/", workspace_views.list_delete, name="list-delete"),
    path("lists/<int:creator_list_pk>/add/", workspace_views.list_add, name="list-add"),
    path("lists/<int:creator_list_pk>/remove/", workspace_views.list_remove, name="list-remove"),
    path("lists/<int:creator_list_pk>/export.csv", workspace_views.list_export, name="list-export"),
    path("tags/apply/", workspace_views.tag_apply, name="tag-apply"),
    path("tags/<int:tag_pk>/delete/", workspace_views.tag_delete, name="tag-delete"),
]
