-- One database per service that has one (their connection strings in the generated secrets.json name them).
-- PostgreSQL runs this once, when it initialises an empty data volume; each service migrates its own schema at start.
CREATE DATABASE identity;
CREATE DATABASE catalog;
CREATE DATABASE ordering;
CREATE DATABASE notifications;
CREATE DATABASE analytics;
