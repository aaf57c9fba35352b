"""The Zalo Bot Platform adapter (bot-api.zaloplatforms.com), beside the OA one."""
