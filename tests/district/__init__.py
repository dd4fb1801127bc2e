"""Tests of a district: many schools and bots on one deployment."""
