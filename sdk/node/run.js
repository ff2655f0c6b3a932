// Okta's Node.js SDK (@okta/okta-sdk-nodejs on npm), unmodified, against the fake Okta org.
//
// Reads OKTA_ORG_URL and OKTA_API_TOKEN. Creates an OpenID Connect, a SAML and
// a bookmark app, lists apps over several pages, updates one, creates a group
// and assigns it, deactivates and deletes the apps and the group. Exits
// non-zero at the first answer that is not what a real org would give.
'use strict';

const okta = require('@okta/okta-sdk-nodejs');

function check(what, ok) {
  if (!ok) {
    console.error(`node sdk: ${what}: not the answer a real org gives`);
    process.exit(1);
  }
  console.log(`node sdk: ${what}: ok`);
}

const bookmarkApp = {
  name: 'bookmark',
  label: 'Node Bookmark',
  signOnMode: 'BOOKMARK',
  settings: { app: { url: 'https://bookmark.example.com', requestIntegration: false } },
};

const oidcApp = {
  name: 'oidc_client',
  label: 'Node Portal',
  signOnMode: 'OPENID_CONNECT',
  credentials: { oauthClient: { token_endpoint_auth_method: 'client_secret_basic' } },
  settings: {
    oauthClient: {
      redirect_uris: ['https://portal.example.com/callback'],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      application_type: 'web',
    },
  },
};

const samlApp = {
  label: 'Node SAML',
  signOnMode: 'SAML_2_0',
  settings: {
    signOn: {
      ssoAcsUrl: 'https://saml.example.com/acs',
      audience: 'https://saml.example.com',
      recipient: 'https://saml.example.com/acs',
      destination: 'https://saml.example.com/acs',
      subjectNameIdTemplate: '${user.userName}',
      subjectNameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
      responseSigned: true,
      assertionSigned: true,
      signatureAlgorithm: 'RSA_SHA256',
      digestAlgorithm: 'SHA256',
      honorForceAuthn: true,
      authnContextClassRef: 'urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport',
    },
  },
};

async function main() {
  // Only the org URL and the token point the SDK at the fake; the fake
  // listens on plain HTTP on loopback, which this SDK takes as it is.
  const client = new okta.Client({ orgUrl: process.env.OKTA_ORG_URL, token: process.env.OKTA_API_TOKEN });
  const apps = client.applicationApi;

  const bookmark = await apps.createApplication({ application: bookmarkApp });
  check('create a bookmark app', bookmark.id && bookmark.status === 'ACTIVE' && bookmark.name === 'bookmark');
  const oidc = await apps.createApplication({ application: oidcApp });
  check(
    'create an OpenID Connect app',
    oidc.credentials.oauthClient.client_id === oidc.id && oidc.credentials.oauthClient.client_secret,
  );
  const saml = await apps.createApplication({ application: samlApp });
  check('create a SAML app', saml.name && saml.credentials.signing.kid && saml._links.metadata.href);
  const mine = [bookmark.id, oidc.id, saml.id];

  // Several pages: the collection follows each page's Link header; the
  // SDK's request executor tells of every request it sends.
  let pageRequests = 0;
  client.requestExecutor.on('request', (request) => {
    if (new URL(request.url).pathname === '/api/v1/apps') {
      pageRequests += 1;
    }
  });
  const seen = [];
  for await (const app of await apps.listApplications({ limit: 2 })) {
    seen.push(app.id);
  }
  check(
    `list every app over ${pageRequests} pages`,
    pageRequests >= 2 && mine.every((id) => seen.includes(id)) && new Set(seen).size === seen.length,
  );

  const updated = await apps.replaceApplication({
    appId: bookmark.id,
    application: { ...bookmarkApp, label: 'Node Bookmark (renamed)' },
  });
  check('update an app', updated.label === 'Node Bookmark (renamed)');
  const again = await apps.getApplication({ appId: bookmark.id });
  check('read the update back', again.label === 'Node Bookmark (renamed)');

  const group = await client.groupApi.createGroup({ group: { profile: { name: 'Node Staff' } } });
  check('create a group', group.id && group.profile.name === 'Node Staff');
  const assignment = await apps.assignGroupToApplication({
    appId: oidc.id,
    groupId: group.id,
    applicationGroupAssignment: { priority: 0 },
  });
  check('assign the group', assignment.id === group.id);
  const assigned = [];
  for await (const item of await apps.listApplicationGroupAssignments({ appId: oidc.id })) {
    assigned.push(item.id);
  }
  check('list the assignment', assigned.length === 1 && assigned[0] === group.id);

  for (const app of [bookmark, oidc, saml]) {
    await apps.deactivateApplication({ appId: app.id });
    check(`deactivate ${app.label}`, true);
    await apps.deleteApplication({ appId: app.id });
    check(`delete ${app.label}`, true);
  }
  let status = null;
  try {
    await apps.getApplication({ appId: saml.id });
  } catch (error) {
    status = error.status;
  }
  check('a deleted app is gone (404)', status === 404);
  await client.groupApi.deleteGroup({ groupId: group.id });
  check('delete the group', true);
}

main().catch((error) => {
  console.error(`node sdk: ${error.stack || error}`);
  process.exit(1);
});
