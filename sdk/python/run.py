"""Okta's Python SDK (`okta` on PyPI), unmodified, against the fake Okta org.

Reads OKTA_ORG_URL and OKTA_API_TOKEN. Creates an OpenID Connect, a SAML and
a bookmark app, lists apps over several pages, updates one, creates a group
and assigns it, deactivates and deletes the apps and the group. Exits
non-zero at the first answer that is not what a real org would give.
"""

import asyncio
import os
import sys

# The fake listens on plain HTTP on loopback: the SDK's own testing switch
# (read from the environment when the client is made) lets it use an
# http:// org URL. Nothing else of the SDK is changed.
os.environ["OKTA_TESTING_TESTINGDISABLEHTTPSCHECK"] = "true"

from okta import models  # noqa: E402
from okta.client import Client  # noqa: E402
from okta.pagination import PaginationHelper  # noqa: E402


def check(what, err, ok=True):
    if err is not None:
        sys.exit(f"python sdk: {what}: {err}")
    if not ok:
        sys.exit(f"python sdk: {what}: not the answer a real org gives")
    print(f"python sdk: {what}: ok")


BOOKMARK = {
    "name": "bookmark",
    "label": "SDK Bookmark",
    "signOnMode": "BOOKMARK",
    "settings": {"app": {"url": "https://bookmark.example.com", "requestIntegration": False}},
}

OIDC = {
    "name": "oidc_client",
    "label": "SDK Portal",
    "signOnMode": "OPENID_CONNECT",
    "credentials": {"oauthClient": {"token_endpoint_auth_method": "client_secret_basic"}},
    "settings": {
        "oauthClient": {
            "redirect_uris": ["https://portal.example.com/callback"],
            "grant_types": ["authorization_code"],
            "response_types": ["code"],
            "application_type": "web",
        }
    },
}

SAML = {
    "label": "SDK SAML",
    "signOnMode": "SAML_2_0",
    "settings": {
        "signOn": {
            "ssoAcsUrl": "https://saml.example.com/acs",
            "audience": "https://saml.example.com",
            "recipient": "https://saml.example.com/acs",
            "destination": "https://saml.example.com/acs",
            "subjectNameIdTemplate": "${user.userName}",
            "subjectNameIdFormat": "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified",
            "responseSigned": True,
            "assertionSigned": True,
            "signatureAlgorithm": "RSA_SHA256",
            "digestAlgorithm": "SHA256",
            "honorForceAuthn": True,
            "authnContextClassRef": "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport",
        }
    },
}


async def main():
    client = Client({"orgUrl": os.environ["OKTA_ORG_URL"], "token": os.environ["OKTA_API_TOKEN"]})

    bookmark, _, err = await client.create_application(models.BookmarkApplication.from_dict(BOOKMARK))
    check("create a bookmark app", err, bookmark is not None and bookmark.id and bookmark.status == "ACTIVE")

    oidc, _, err = await client.create_application(models.OpenIdConnectApplication.from_dict(OIDC))
    check(
        "create an OpenID Connect app",
        err,
        oidc is not None
        and oidc.credentials.oauth_client.client_id == oidc.id
        and oidc.credentials.oauth_client.client_secret,
    )

    saml, _, err = await client.create_application(models.SamlApplication.from_dict(SAML))
    check(
        "create a SAML app",
        err,
        saml is not None and saml.name and saml.credentials.signing.kid and saml.links.metadata.href,
    )
    mine = {bookmark.id, oidc.id, saml.id}

    # Several pages: two apps a page, each next page's cursor from the Link header.
    apps, resp, err = await client.list_applications(limit=2)
    check("list the first page", err, apps is not None and len(apps) == 2)
    pages, seen = 1, [app.id for app in apps]
    cursor = PaginationHelper.extract_next_cursor(resp.headers)
    while cursor:
        more, resp, err = await client.list_applications(limit=2, after=cursor)
        check(f"list page {pages + 1}", err, more is not None)
        seen += [app.id for app in more]
        pages += 1
        cursor = PaginationHelper.extract_next_cursor(resp.headers)
    check(f"list every app over {pages} pages", None, pages >= 2 and mine <= set(seen) and len(seen) == len(set(seen)))

    changed = models.BookmarkApplication.from_dict({**BOOKMARK, "label": "SDK Bookmark (renamed)"})
    updated, _, err = await client.replace_application(bookmark.id, changed)
    check("update an app", err, updated is not None and updated.label == "SDK Bookmark (renamed)")
    again, _, err = await client.get_application(bookmark.id)
    check("read the update back", err, again is not None and again.label == "SDK Bookmark (renamed)")

    group, _, err = await client.add_group(models.AddGroupRequest.from_dict({"profile": {"name": "SDK Staff"}}))
    check("create a group", err, group is not None and group.id)
    assignment, _, err = await client.assign_group_to_application(
        oidc.id, group.id, models.ApplicationGroupAssignment.from_dict({"priority": 0})
    )
    check("assign the group", err, assignment is not None and assignment.id == group.id)
    assigned, _, err = await client.list_application_group_assignments(oidc.id)
    check("list the assignment", err, assigned is not None and [a.id for a in assigned] == [group.id])

    for app in (bookmark, oidc, saml):
        _, _, err = await client.deactivate_application(app.id)
        check(f"deactivate {app.label}", err)
        _, _, err = await client.delete_application(app.id)
        check(f"delete {app.label}", err)
    gone, _, err = await client.get_application(saml.id)
    check("a deleted app is gone (404)", None, gone is None and err is not None and getattr(err, "status", None) == 404)
    _, _, err = await client.delete_group(group.id)
    check("delete the group", err)


asyncio.run(main())
