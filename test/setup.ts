// Nest and class-transformer read decorator metadata through the Reflect API polyfill.
import 'reflect-metadata';
