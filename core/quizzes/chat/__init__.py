"""The quizzes feature's conversations: `take` (the menu of quizzes, questions, feedback,
answers after closing, a quiz's board), `author` (a short quiz written in chat) and `announce`
(telling the members that a quiz is open).
`routers` is what the composition root registers."""

from core.quizzes.chat import announce, author, take

routers = (take.router, author.router, announce.router)
