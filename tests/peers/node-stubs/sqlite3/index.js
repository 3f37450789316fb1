'use strict';
// See package.json: a stand-in so that package-lock.json is complete; the peer tests never use sqlite.
throw new Error('sqlite3 is not installed for the clientgen peer tests (Etherpad runs on its dirty database)');
