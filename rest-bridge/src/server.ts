import { runServer } from './serve.js';

runServer( process.env );
