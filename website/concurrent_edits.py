"""Two editors of one page never silently overwrite each other.

Wagtail shows who else has the page open and warns in the browser when someone saved a newer
version (its editing sessions, pinging every ``WAGTAIL_EDITING_SESSION_PING_INTERVAL``), and
refuses stale autosaves; but a plain form save made from an outdated copy (the warning missed,
JavaScript off, a second tab) still replaces the newer revision. This edit view refuses such a
save: the editor gets their form back, unsaved, with what they typed and a message saying who
saved in between; saving again, now knowingly, goes through.
"""

from django.utils.translation import gettext as _
from wagtail.admin import messages
from wagtail.admin.utils import get_user_display_name
from wagtail.admin.views.pages.edit import EditView


class StaleSaveRefusingEditView(EditView):
    def post(self, request, *args, **kwargs):
        if (
            not self.expects_json_response
            and not self.page.alias_of_id
            and not self.is_cancelling_workflow
            and self.is_out_of_date
        ):
            return self.refuse_stale_save()
        return super().post(request, *args, **kwargs)

    def refuse_stale_save(self):
        self.form = self.form_class(
            self.request.POST,
            self.request.FILES,
            instance=self.page,
            subscription=self.subscription,
            parent_page=self.parent,
            for_user=self.request.user,
        )
        author = self.latest_revision.user
        name = (
            (getattr(author, "name", "") or get_user_display_name(author))
            if author
            else _("Someone")
        )
        messages.error(
            self.request,
            _(
                "%(name)s saved a newer version of this page while you were editing it: your "
                "changes are not saved. Compare with the latest version, then save again to "
                "replace it with yours."
            )
            % {"name": name},
        )
        self.has_unsaved_changes = True
        response = self.render_to_response(self.get_context_data())
        response.status_code = 409
        return response
